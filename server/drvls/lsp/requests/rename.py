"""`textDocument/prepareRename` and `textDocument/rename`: a name and all its uses, in every file.

The edits come from `core/rename.py` over the same indexes the references request reads (open
documents, and closed files analysed for workspace diagnostics), after every open document's
analysis has caught up with its text, so no range points into an older version. A refusal is a
`RequestFailed` error whose message the editor shows as it is. The answer is built as the protocol's
JSON (`PreparedObject`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.exceptions import JsonRpcException
from pygls.uris import from_fs_path

from drvls.camkes.rename import RULES as CAMKES_RULES
from drvls.core import rename as core
from drvls.core.text import LineIndex
from drvls.lsp.convert import PreparedObject
from drvls.lsp.navigation import Locations, Target, target
from drvls.microkit.rename import RULES as MICROKIT_RULES

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer

FAMILIES: tuple[core.RenameRules, ...] = (MICROKIT_RULES, CAMKES_RULES)


async def _current_target(server: DrvlsServer, uri: str) -> Target | None:
    """The target, once every open document's analysis is of its current text."""
    for doc in server.documents.all():
        if doc.uri != uri and not doc.is_current():
            await server.analyse_current(doc)
    return await target(server, uri)


async def prepare_rename(server: DrvlsServer, params: types.PrepareRenameParams) -> types.Range | None:
    here = await _current_target(server, params.text_document.uri)
    if here is None:
        return None
    found = core.prepare(here.query, here.position(params.position), FAMILIES, _lines(Locations(server, here)))
    return here.range(found.range) if found is not None else None


async def rename(server: DrvlsServer, params: types.RenameParams) -> PreparedObject | None:
    here = await _current_target(server, params.text_document.uri)
    if here is None:
        return None
    texts = Locations(server, here)
    model = here.analysis.model if here.analysis is not None else None
    try:
        edits = core.rename(here.query, here.position(params.position), params.new_name, FAMILIES, _lines(texts),
                            model)
    except core.RenameRefused as refused:
        raise JsonRpcException(message=str(refused), code=types.LSPErrorCodes.RequestFailed) from refused
    return _workspace_edit(server, here, texts, edits)


def _lines(texts: Locations) -> Callable[[Path | None], LineIndex]:
    """Each touched file's lines as its ranges were computed (snapshot or disk), read once."""
    return lambda path: texts.mapper(path).index


def _workspace_edit(server: DrvlsServer, here: Target, texts: Locations, edits: list[core.FileEdit]) -> PreparedObject:
    """The edits as a `WorkspaceEdit` in the protocol's JSON (hundreds of edits: building and converting
    lsprotocol objects was most of the request's time)."""
    by_uri: dict[str, list[dict[str, object]]] = {}
    versions: dict[str, int | None] = {}
    for edit in edits:
        path = edit.path if edit.path is not None else here.path
        uri = here.uri if edit.path is None else from_fs_path(str(edit.path))
        if uri is None:
            continue
        if uri not in versions:
            doc = server.documents.get(uri) or (server.documents.by_path(path) if path is not None else None)
            versions[uri] = doc.version if doc is not None else None
        by_uri.setdefault(uri, []).append({"range": texts.mapper(edit.path).range_json(edit.range),
                                           "newText": edit.new_text})
    if get_capability(server.client_capabilities, "workspace.workspace_edit.document_changes", False):
        return PreparedObject(documentChanges=[{"textDocument": {"uri": uri, "version": versions[uri]},
                                                "edits": changes} for uri, changes in by_uri.items()])
    return PreparedObject(changes=by_uri)


def register(server: DrvlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    async def on_prepare_rename(params: types.PrepareRenameParams) -> types.Range | None:
        return await prepare_rename(server, params)

    @server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
    async def on_rename(params: types.RenameParams) -> PreparedObject | None:
        return await rename(server, params)
