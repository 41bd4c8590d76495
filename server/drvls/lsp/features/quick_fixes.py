"""Quick fixes: the `Fix`es analyzers attach to diagnostics, offered as code actions."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from drvls.core import diagnostics as core
from drvls.lsp.convert import PositionMapper

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer

log = logging.getLogger(__name__)


def _overlaps(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def code_actions(server: DrvlsServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """Fixes of the diagnostics under the requested range, when they were computed on the current text."""
    uri = params.text_document.uri
    doc = server.documents.get(uri)
    outcome = server.latest_outcome(uri)
    actions: list[types.CodeAction] = []
    for provider in getattr(server, "code_action_providers", ()):  # features adding their own actions
        actions.extend(provider(params))
    if doc is None or outcome is None or outcome.version != doc.version:
        return actions
    mapper = PositionMapper(doc.text, server.encoding)
    for found, sent in zip(outcome.analysis.diagnostics, outcome.diagnostics, strict=False):
        if not found.fixes or not _overlaps(sent.range, params.range):
            continue
        actions.extend(_action(uri, fix, sent, mapper, preferred=len(found.fixes) == 1) for fix in found.fixes)
    return actions


def _action(uri: str, fix: core.Fix, sent: types.Diagnostic, mapper: PositionMapper,
            preferred: bool) -> types.CodeAction:
    edits = [types.TextEdit(range=mapper.range(e.range), new_text=e.new_text) for e in fix.edits]
    return types.CodeAction(title=fix.title, kind=types.CodeActionKind.QuickFix, diagnostics=[sent],
                            is_preferred=preferred, edit=types.WorkspaceEdit(changes={uri: edits}))


def register(server: DrvlsServer) -> None:
    options = types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix])

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, options)
    def code_action(params: types.CodeActionParams) -> list[types.CodeAction]:
        try:
            return code_actions(server, params)
        except Exception:
            log.exception("code actions failed")
            return []
