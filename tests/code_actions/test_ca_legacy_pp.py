"""The legacy `pp` fix through the real server (the first analyzer-attached fix): offered, safe, and curing."""

from __future__ import annotations

from lsp_support import Editor, needs_microkit
from lsprotocol import types
from text_edits import apply_text_edits

pytestmark = needs_microkit

LEGACY_PP = ('<?xml version="1.0"?>\n<system>\n'
             '    <protection_domain name="server" priority="10" pp="true">\n'
             '        <program_image path="s.elf" />\n    </protection_domain>\n'
             '    <protection_domain name="client" priority="5">\n'
             '        <program_image path="c.elf" />\n    </protection_domain>\n'
             '    <channel>\n        <end pd="client" id="0" />\n        <end pd="server" id="0" />\n'
             '    </channel>\n</system>\n')


async def test_legacy_pp_fix_is_offered_and_cures_the_file(editor: Editor) -> None:
    uri = editor.open("legacy.system", LEGACY_PP)
    (diag,) = await editor.diagnostics(uri)
    assert diag.code == "MK110"
    actions = await editor.client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diag.range,
        context=types.CodeActionContext(diagnostics=[diag])))
    assert actions, "the MK110 fix must be offered"
    action = actions[0]
    assert isinstance(action, types.CodeAction)
    assert action.kind == types.CodeActionKind.QuickFix
    assert action.edit is not None and action.edit.changes is not None
    fixed = apply_text_edits(LEGACY_PP, list(action.edit.changes[uri]))
    editor.client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=editor.versions[uri] + 1),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)]))
    editor.versions[uri] += 1
    assert await editor.diagnostics(uri) == []


async def test_no_actions_away_from_fixable_diagnostics(editor: Editor) -> None:
    uri = editor.open("legacy.system", LEGACY_PP)
    await editor.diagnostics(uri)
    nowhere = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=1))
    actions = await editor.client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=nowhere,
        context=types.CodeActionContext(diagnostics=[])))
    assert not actions
