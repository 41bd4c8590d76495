"""What the code-action tests share: a real `drvls serve` with a pulling editor, asking for the
actions at a diagnostic and applying the chosen one as the editor would."""

from __future__ import annotations

import sys
from pathlib import Path

from lsprotocol import types

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lsp"))
from lsp_support import RECORDING, WAIT, Editor, RecordingClient, start_editor
from text_edits import apply_text_edits

__all__ = ["RECORDING", "WAIT", "Editor", "RecordingClient", "start_editor"]


async def actions_at(editor: Editor, uri: str, rng: types.Range, diagnostics: list[types.Diagnostic],
                     only: list[types.CodeActionKind] | None = None) -> list[types.CodeAction]:
    found = await editor.client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=rng,
        context=types.CodeActionContext(diagnostics=diagnostics, only=only)))
    return [a for a in found or [] if isinstance(a, types.CodeAction)]


def applied(text: str, uri: str, action: types.CodeAction) -> str:
    """The document's text after the action's edits to it."""
    assert action.edit is not None and action.edit.changes is not None
    return apply_text_edits(text, list(action.edit.changes[uri]))


async def replace_text(editor: Editor, uri: str, text: str) -> list[types.Diagnostic]:
    """The whole document replaced by `text`; the diagnostics of that version."""
    editor.versions[uri] += 1
    editor.client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=editor.versions[uri]),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
    return await editor.diagnostics(uri)


def errors(diagnostics: list[types.Diagnostic]) -> list[tuple[object, str]]:
    return [(d.code, d.message) for d in diagnostics if d.severity == types.DiagnosticSeverity.Error]
