"""Each real client gets diagnostics the way it can follow them: clients that pull but cannot be told to
pull again (Neovim 0.10+) are published to, so a change to an imported file still reaches them."""

from __future__ import annotations

import pytest
from lsp_support import REPO, Editor, analyzer_available
from lsprotocol import types
from test_lsp_workspace import component_edit_rechecks_app

needs_camkes = pytest.mark.skipif(not analyzer_available(".camkes"),
                                  reason="the CAmkES analyzer (drvls.camkes.analyzer) is not in this build")
needs_drv = pytest.mark.skipif(not analyzer_available(".drv"),
                               reason="the .drv analyzer (drvls.drv.analyzer) is not in this build")


def test_pull_is_offered_only_to_clients_that_can_be_asked_to_re_pull(profile_editor: Editor) -> None:
    # None of the recorded profiles declares workspace/diagnostic/refresh, though Neovim 0.10+ pulls.
    assert profile_editor.init.capabilities.diagnostic_provider is None


def test_a_client_with_refresh_support_pulls(pull_editor: Editor) -> None:
    assert pull_editor.init.capabilities.diagnostic_provider is not None


@needs_camkes
async def test_every_client_sees_a_change_to_an_imported_file(profile_editor: Editor) -> None:
    await component_edit_rechecks_app(profile_editor)


@needs_drv
async def test_a_drv_opened_in_an_editor_is_read_from_disk(profile_editor: Editor) -> None:
    """The editor decodes the binary as text (lossily); the server must check the bytes on disk."""
    data = (REPO / "examples" / "rules" / "rules.drv").read_bytes()
    profile_editor.write("rules.drv", data)
    decoded = data.decode("utf-8", "replace")  # what an editor holds for a binary file
    uri = profile_editor.open("rules.drv", decoded, "drv")
    found = await profile_editor.diagnostics(uri)
    assert [d for d in found if d.severity == types.DiagnosticSeverity.Error] == [], found


BAD_PRIORITY = ('<?xml version="1.0"?>\n<system>\n  <protection_domain name="a" priority="300">\n'
                '    <program_image path="a.elf" />\n  </protection_domain>\n</system>\n')


async def test_workspace_diagnostics_honour_the_config_files_exclude(pull_editor: Editor) -> None:
    """The server walks the workspace with the same `exclude` as `drvls check`, drvls.toml included."""
    from test_lsp_workspace import workspace_report

    pull_editor.write("drvls.toml", 'exclude = ["build/"]\n')
    pull_editor.write("build/gen.system", BAD_PRIORITY)
    pull_editor.write("src/a.system", BAD_PRIORITY)
    items = await workspace_report(pull_editor)
    assert sorted(items) == [pull_editor.uri("src/a.system")]


@pytest.mark.editor_settings({"debouce": 10, "microkit": {"arc": "riscv64"}})
async def test_unknown_editor_settings_are_reported_with_the_closest_key(pull_editor: Editor) -> None:
    import asyncio

    async def shown() -> list[str]:
        while len(pull_editor.client.messages) < 2:
            await asyncio.sleep(0.02)
        return [m.message for m in pull_editor.client.messages]

    messages = await asyncio.wait_for(shown(), 20)
    assert any("unknown key `debouce` (did you mean `debounce`?)" in m for m in messages), messages
    assert any("did you mean `microkit.arch`?" in m for m in messages), messages
