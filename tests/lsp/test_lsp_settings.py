"""Settings from the editor (`workspace/configuration`), config files on disk, and the debounce."""

from __future__ import annotations

import asyncio

import pytest
from lsp_support import Editor, needs_microkit, summary
from lsprotocol import types

pytestmark = needs_microkit

SMC_LINE = '  <protection_domain name="a" smc="true" priority="300">\n'
TEXT = ('<?xml version="1.0"?>\n<system>\n' + SMC_LINE
        + '    <program_image path="a.elf" />\n  </protection_domain>\n</system>\n')
SMC = ("MK025", 2, SMC_LINE.index("true"), 2, SMC_LINE.index("true") + 4)
PRIORITY = ("MK020", 2, SMC_LINE.index("300"), 2, SMC_LINE.index("300") + 3)


async def after_recheck(editor: Editor, uri: str, published_before: int,
                        refreshes_before: int) -> list[types.Diagnostic]:
    """Diagnostics once the server has re-checked `uri` without an edit (settings or config changed)."""
    if editor.mode == "pull":
        async def refreshed() -> None:
            while editor.client.diagnostic_refresh_count <= refreshes_before:
                await asyncio.sleep(0.02)

        await asyncio.wait_for(refreshed(), 20)
        return await editor.diagnostics(uri)
    return (await editor.wait_published(uri, editor.versions[uri], after=published_before)).diagnostics


async def registered(editor: Editor, pattern: str) -> None:
    """Wait until the server has asked the client to watch `pattern`."""
    while True:
        patterns = [w.get("globPattern") for r in editor.client.registrations  # options arrive as plain JSON
                    if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
                    for w in (r.register_options or {}).get("watchers", [])]
        if pattern in patterns:
            return
        await asyncio.sleep(0.02)


def counters(editor: Editor) -> tuple[int, int]:
    return len(editor.client.published), editor.client.diagnostic_refresh_count


@pytest.mark.editor_settings({"microkit": {"arch": "x86_64"}})
async def test_settings_pulled_at_startup_apply_to_the_first_analysis(editor: Editor) -> None:
    uri = editor.open("a.system", TEXT)
    assert summary(await editor.diagnostics(uri)) == [SMC, PRIORITY]


@pytest.mark.init_options
@pytest.mark.editor_settings({"microkit": {"arch": "x86_64"}})
async def test_initialization_options_are_the_fallback(editor: Editor) -> None:
    uri = editor.open("a.system", TEXT)
    assert summary(await editor.diagnostics(uri)) == [SMC, PRIORITY]


async def test_changed_settings_recheck_open_files(editor: Editor) -> None:
    uri = editor.open("a.system", TEXT)
    assert summary(await editor.diagnostics(uri)) == [PRIORITY]
    before = counters(editor)
    await editor.change_settings({"debounce": 0, "microkit": {"arch": "x86_64"}})
    assert summary(await after_recheck(editor, uri, *before)) == [SMC, PRIORITY]
    before = counters(editor)
    await editor.change_settings({"debounce": 0, "microkit": {"arch": "x86_64"}, "ignore": ["MK02"]})
    assert summary(await after_recheck(editor, uri, *before)) == []


@pytest.mark.parametrize("name", ["drvls.toml", "pyproject.toml"])
async def test_config_file_change_rechecks_open_files(editor: Editor, name: str) -> None:
    uri = editor.open("a.system", TEXT)
    assert summary(await editor.diagnostics(uri)) == [PRIORITY]
    table = "" if name == "drvls.toml" else "tool.drvls."
    config = editor.write(name, f'[{table}microkit]\narch = "x86_64"\n')
    before = counters(editor)
    config_uri = editor.uri(name)
    if editor.mode == "pull":  # VS Code watches the files the server registered
        await asyncio.wait_for(registered(editor, f"**/{name}"), 20)
        editor.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=config_uri, type=types.FileChangeType.Created)]))
    else:  # a client without file watching: saving the config file in the editor is the signal
        editor.client.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=config_uri)))
    assert summary(await after_recheck(editor, uri, *before)) == [SMC, PRIORITY]
    assert config.is_file()


@pytest.mark.editor_settings({"debounce": 1500})
async def test_debounce_coalesces_a_burst_of_edits(push_editor: Editor) -> None:
    editor = push_editor
    uri = editor.open("a.system", TEXT)
    await editor.wait_published(uri, 1)  # opening is analysed at once
    before = len(editor.client.published)
    column = SMC_LINE.index("300")
    editor.change(uri, (2, column), (2, column + 3), "30")
    editor.change(uri, (2, column), (2, column + 2), "3")
    last = editor.change(uri, (2, column), (2, column + 1), "7")
    with pytest.raises(asyncio.TimeoutError):  # nothing within a third of the debounce
        await asyncio.wait_for(editor.wait_published(uri, last, after=before), 0.5)
    published = await editor.wait_published(uri, last, after=before)
    assert published.diagnostics == []
    assert [p.version for p in editor.client.published[before:] if p.uri == uri] == [last]


@pytest.mark.editor_settings({"debounce": 0, "microkit": {"arch": "x86_64"}})
async def test_broken_config_file_falls_back_and_says_so(editor: Editor) -> None:
    editor.write("drvls.toml", "[microkit\narch = 'x86_64'\n")
    uri = editor.open("a.system", TEXT)
    assert summary(await editor.diagnostics(uri)) == [SMC, PRIORITY]  # editor settings still apply

    async def warned() -> None:
        while not any("drvls.toml" in m.message for m in editor.client.messages):
            await asyncio.sleep(0.02)

    await asyncio.wait_for(warned(), 20)
