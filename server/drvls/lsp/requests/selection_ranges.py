"""`textDocument/selectionRange`: from the name under the cursor out through its enclosing definitions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from drvls.core import diagnostics as core
from drvls.lsp.navigation import target

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer


async def selection_ranges(server: DrvlsServer, params: types.SelectionRangeParams) -> list[types.SelectionRange]:
    here = await target(server, params.text_document.uri)
    if here is None:
        return []
    positions = [here.position(p) for p in params.positions]
    document = core.Range(core.Position(0, 0), here.mapper.index.end())
    out = []
    for chain in here.query.selection_ranges(positions, document):
        parent: types.SelectionRange | None = None
        for rng in reversed(chain):
            parent = types.SelectionRange(range=here.range(rng), parent=parent)
        assert parent is not None  # a chain is never empty
        out.append(parent)
    return out


def register(server: DrvlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_SELECTION_RANGE)
    async def on_selection_ranges(params: types.SelectionRangeParams) -> list[types.SelectionRange]:
        return await selection_ranges(server, params)
