"""Workspace-wide work reports `$/progress`, and a long workspace request can be cancelled."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from lsp_support import WAIT, Editor
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled

RULE = "# Instructions\n- Check every return value of seL4 calls number {n}\n"


def write_sources(editor: Editor, count: int) -> None:
    for n in range(count):
        editor.write(f"team{n}/CLAUDE.md", RULE.format(n=n))


def progress_kinds(editor: Editor) -> list[list[str]]:
    return [[value.kind for value in values] for values in editor.client.progress_reports.values()]


async def test_the_first_workspace_diagnostics_report_progress(pull_editor: Editor) -> None:
    write_sources(pull_editor, 5)
    report = await asyncio.wait_for(pull_editor.client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=[])), WAIT)
    assert len(report.items) == 5
    runs = progress_kinds(pull_editor)
    assert runs and runs[-1][0] == "begin" and runs[-1][-1] == "end" and "report" in runs[-1]


async def test_a_repeated_pull_of_unchanged_files_reports_no_progress(pull_editor: Editor) -> None:
    write_sources(pull_editor, 3)
    first = await asyncio.wait_for(pull_editor.client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=[])), WAIT)
    before = len(pull_editor.client.progress_reports)
    previous = [types.PreviousResultId(uri=item.uri, value=item.result_id or "") for item in first.items]
    again = await asyncio.wait_for(pull_editor.client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=previous)), WAIT)
    assert all(isinstance(i, types.WorkspaceUnchangedDocumentDiagnosticReport) for i in again.items)
    assert len(pull_editor.client.progress_reports) == before


@pytest.mark.editor_settings({"debounce": 0})
async def test_a_settings_change_re_checks_open_files_with_progress(pull_editor: Editor) -> None:
    for n in range(3):
        uri = pull_editor.open(f"team{n}/CLAUDE.md", RULE.format(n=n), language_id="markdown")
        await pull_editor.diagnostics(uri)
    await pull_editor.change_settings({"debounce": 0, "ignore": ["RUL002"]})

    async def ended() -> None:
        while not any(kinds and kinds[-1] == "end" for kinds in progress_kinds(pull_editor)):
            await asyncio.sleep(0.02)

    await asyncio.wait_for(ended(), WAIT)


async def test_a_workspace_pull_can_be_cancelled(pull_editor: Editor) -> None:
    write_sources(pull_editor, 300)
    protocol = pull_editor.client.protocol
    msg_id = str(uuid.uuid4())
    future = protocol.send_request(types.WORKSPACE_DIAGNOSTIC,
                                   types.WorkspaceDiagnosticParams(previous_result_ids=[]), msg_id=msg_id)
    protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))
    with pytest.raises(JsonRpcRequestCancelled):
        await asyncio.wait_for(asyncio.wrap_future(future), WAIT)
    # the server goes on answering
    report = await asyncio.wait_for(pull_editor.client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=[])), WAIT * 3)
    assert len(report.items) == 300
