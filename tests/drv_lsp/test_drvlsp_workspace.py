"""Workspace diagnostics (`workspace/diagnostic`) cover `.drv` files and rule sources that are not open."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path
from pytest_lsp import LanguageClient

Report = types.WorkspaceFullDocumentDiagnosticReport | types.WorkspaceUnchangedDocumentDiagnosticReport


def root_of(client: LanguageClient) -> Path:
    root: Path = client.drv_root  # type: ignore[attr-defined]
    return root


def uri(client: LanguageClient, name: str) -> str:
    found = from_fs_path(str(root_of(client) / name))
    assert found is not None
    return str(found)


async def workspace_report(client: LanguageClient, previous: dict[str, str] | None = None) -> dict[str, Report]:
    params = types.WorkspaceDiagnosticParams(previous_result_ids=[
        types.PreviousResultId(uri=u, value=v) for u, v in (previous or {}).items()])
    report = await asyncio.wait_for(client.workspace_diagnostic_async(params), 30)
    return {item.uri: item for item in report.items}


def codes(report: Report) -> list[str]:
    assert isinstance(report, types.WorkspaceFullDocumentDiagnosticReport), report
    return sorted(str(d.code) for d in report.items)


async def test_closed_drv_files_get_workspace_diagnostics(client: LanguageClient) -> None:
    root = root_of(client)
    damaged = bytearray((root / "rules.drv").read_bytes())
    at = damaged.index(b"snake_case")
    damaged[at] ^= 0x20  # "Snake_case": still valid, but no longer what was digested
    (root / "tampered.drv").write_bytes(bytes(damaged))
    (root / "notes.md").write_text("- Keep it clean\n", encoding="utf-8")  # not a rule-source name

    items = await workspace_report(client)
    assert {uri(client, n) for n in ("rules.drv", "broken.drv", "tampered.drv", ".cursorrules")} <= set(items)
    assert uri(client, "notes.md") not in items
    assert codes(items[uri(client, "rules.drv")]) == ["RUL002"]  # the vague rule, linted inside the .drv
    assert codes(items[uri(client, "broken.drv")]) == ["DRV001"]
    assert "DRV016" in codes(items[uri(client, "tampered.drv")])
    assert codes(items[uri(client, ".cursorrules")]) == ["RUL002"]
    broken = items[uri(client, "broken.drv")]
    assert isinstance(broken, types.WorkspaceFullDocumentDiagnosticReport) and broken.version is None
    assert "too short for the 64-byte version 2 header" in broken.items[0].message

    # With the result ids, unchanged files are not re-sent; a rewritten .drv is.
    previous = {u: r.result_id for u, r in items.items() if r.result_id}
    (root / "rules.drv").write_bytes(b"DRV\x00\x07\x00" + bytes(58))
    again = await workspace_report(client, previous)
    assert isinstance(again[uri(client, "broken.drv")], types.WorkspaceUnchangedDocumentDiagnosticReport)
    assert codes(again[uri(client, "rules.drv")]) == ["DRV003"]
