"""`textDocument/codeAction`: the fixes of the diagnostics under the range (`core/code_actions.py`:
analyzer-attached and family text fixes), source actions (sorted CAmkES imports), and on a CAmkES
assembly "Port this assembly to Microkit", which creates the ported system and its report beside
the app (`lsp/features/port_assembly.py`, with the command that also opens it). Features may add
their own actions through `server.code_action_providers`."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from drvls.core import code_actions as core
from drvls.core.diagnostics import Range
from drvls.lsp import convert
from drvls.lsp.checking import Outcome
from drvls.lsp.convert import PositionMapper
from drvls.lsp.features import port_assembly

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer

log = logging.getLogger(__name__)

KINDS = {core.QUICK_FIX: types.CodeActionKind.QuickFix,
         core.ORGANIZE_IMPORTS: types.CodeActionKind.SourceOrganizeImports}
PORT_KIND = port_assembly.PORT_KIND


def _overlaps(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def _kind(kind: types.CodeActionKind | str | None) -> str:
    return kind.value if isinstance(kind, types.CodeActionKind) else str(kind)


def _wanted(kind: types.CodeActionKind | str | None, only: list[str] | None) -> bool:
    name = _kind(kind)
    return only is None or any(name == o or name.startswith(f"{o}.") for o in only)


async def code_actions(server: DrvlsServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    only = [_kind(k) for k in params.context.only] if params.context.only else None
    actions: list[types.CodeAction] = []
    for provider in getattr(server, "code_action_providers", ()):  # features adding their own actions
        actions.extend(provider(params))
    doc = server.documents.get(uri)
    if doc is None:
        return actions
    outcome = await server.analyse_current(doc)
    if outcome.version != doc.version:
        return actions
    mapper = server.mapper_for(outcome)
    actions.extend(a for a in fixes(uri, doc.path, outcome, mapper, params.range) if _wanted(a.kind, only))
    if doc.path is not None and doc.path.suffix == ".camkes" and _wanted(PORT_KIND, only):
        requested = Range(mapper.core_position(params.range.start), mapper.core_position(params.range.end))
        port = await port_assembly.port_action(server, uri, doc.path, outcome, requested, params.range)
        actions.extend([port] if port is not None else [])
    return actions


def fixes(uri: str, path: Path | None, outcome: Outcome, mapper: PositionMapper,
          requested: types.Range) -> list[types.CodeAction]:
    """Every core action of the file: a quick fix only when its diagnostic is under the range."""
    sent_of = {id(found): sent for found, sent in zip(outcome.analysis.diagnostics, outcome.diagnostics,
                                                       strict=False)}
    found = core.actions(path, outcome.text, outcome.analysis)
    per_diagnostic = Counter(id(a.diagnostic) for a in found if a.diagnostic is not None)
    out = []
    for action in found:
        sent_json = sent_of.get(id(action.diagnostic)) if action.diagnostic is not None else None
        sent = convert.from_json(sent_json) if sent_json is not None else None
        if action.diagnostic is not None and (sent is None or not _overlaps(sent.range, requested)):
            continue
        edits = [types.TextEdit(range=mapper.range(e.range), new_text=e.new_text) for e in action.fix.edits]
        out.append(types.CodeAction(
            title=action.fix.title, kind=KINDS.get(action.kind, types.CodeActionKind.QuickFix),
            diagnostics=[sent] if sent is not None else None,
            is_preferred=sent is not None and per_diagnostic[id(action.diagnostic)] == 1,
            edit=types.WorkspaceEdit(changes={uri: edits})))
    return out


def register(server: DrvlsServer) -> None:
    options = types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix,
                                                         types.CodeActionKind.SourceOrganizeImports, PORT_KIND])

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, options)
    async def code_action(params: types.CodeActionParams) -> list[types.CodeAction]:
        try:
            return await code_actions(server, params)
        except Exception:
            log.exception("code actions failed")
            return []
