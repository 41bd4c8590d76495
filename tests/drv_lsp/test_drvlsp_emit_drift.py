"""Drift of generated assistant files in the real server: a hand edit is flagged on the generated file
with a fix that regenerates it, stale targets are flagged on the `.drv`, and its code action rewrites them."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path
from pytest_lsp import LanguageClient
from text_edits import apply_text_edits

WAIT = 30


def uri_of(path: Path) -> str:
    found = from_fs_path(str(path))
    assert found is not None
    return str(found)


def repo(client: LanguageClient) -> Path:
    root: Path = client.repo  # type: ignore[attr-defined]
    return root


async def document_diagnostics(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    report = await asyncio.wait_for(client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))), WAIT)
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    return list(report.items)


async def workspace_codes(client: LanguageClient) -> dict[str, list[str]]:
    report = await asyncio.wait_for(client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=[])), WAIT)
    return {item.uri: sorted(str(d.code) for d in item.items) for item in report.items
            if isinstance(item, types.WorkspaceFullDocumentDiagnosticReport)}


async def test_hand_edited_generated_file_is_flagged_and_regenerated(emit_client: LanguageClient) -> None:
    client = emit_client
    agents = repo(client) / "AGENTS.md"
    generated = agents.read_text(encoding="utf-8")
    edited = generated + "- a rule typed into the generated file\n"
    uri = uri_of(agents)
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="markdown", version=1, text=edited)))
    (diag,) = [d for d in await document_diagnostics(client, uri) if d.code != "RUL009"]
    assert diag.code == "RUL012" and diag.range.start.line == 1  # the machine header line
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diag.range,
        context=types.CodeActionContext(diagnostics=[diag])))
    assert actions is not None
    (action,) = [a for a in actions if isinstance(a, types.CodeAction) and a.title == "Regenerate from rules.drv"]
    assert action.edit is not None and action.edit.changes is not None
    fixed = apply_text_edits(edited, list(action.edit.changes[uri]))
    assert fixed == generated
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)]))
    assert await document_diagnostics(client, uri) == []


async def test_stale_targets_are_flagged_on_the_source_and_regenerated(emit_client: LanguageClient) -> None:
    client = emit_client
    root = repo(client)
    claude = root / "CLAUDE.md"
    generated = claude.read_text(encoding="utf-8")
    claude.write_text(generated.replace("snake_case", "camelCase"), encoding="utf-8")
    (root / "AGENTS.md").unlink()
    drv_uri = uri_of(root / "rules.drv")
    codes = await workspace_codes(client)
    assert codes[drv_uri] == ["RUL014"]
    assert codes[uri_of(claude)] == ["RUL012"]
    report = await asyncio.wait_for(client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=[])), WAIT)
    (item,) = [i for i in report.items if i.uri == drv_uri]
    assert isinstance(item, types.WorkspaceFullDocumentDiagnosticReport)
    (diag,) = item.items
    assert "AGENTS.md (missing)" in diag.message and "CLAUDE.md (edited by hand)" in diag.message
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=drv_uri), range=diag.range,
        context=types.CodeActionContext(diagnostics=[diag])))
    assert actions is not None
    (action,) = [a for a in actions if isinstance(a, types.CodeAction)]
    assert action.edit is not None and action.edit.document_changes is not None
    for change in action.edit.document_changes:  # what the editor does with the workspace edit
        if isinstance(change, types.CreateFile):
            assert change.uri == uri_of(root / "AGENTS.md")
            (root / "AGENTS.md").write_text("", encoding="utf-8")
        else:
            assert isinstance(change, types.TextDocumentEdit)
            target = root / Path(change.text_document.uri).name
            edits = [e for e in change.edits if isinstance(e, types.TextEdit)]
            target.write_text(apply_text_edits(target.read_text(encoding="utf-8"), edits), encoding="utf-8")
    assert claude.read_text(encoding="utf-8") == generated
    assert (await workspace_codes(client)).get(drv_uri, []) == []

    # the command writes the files itself, overwriting a hand edit (never a file drvls did not write)
    claude.write_text("edited\n" + generated, encoding="utf-8")
    result = await asyncio.wait_for(client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="drvls.emit.regenerate", arguments=[drv_uri])), WAIT)
    assert [Path(p).name for p in result["written"]] == ["CLAUDE.md"]
    assert claude.read_text(encoding="utf-8") == generated
    codes = await workspace_codes(client)
    assert codes.get(drv_uri, []) == [] and codes.get(uri_of(claude), []) == []
