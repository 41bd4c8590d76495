"""`textDocument/documentSymbol`: the family's hierarchical outline of the file."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from lsprotocol import types

from drvls.core.symbols import OutlineNode
from drvls.lsp.navigation import Target, symbol_kind, target

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer


def convert(here: Target, nodes: tuple[OutlineNode, ...]) -> list[types.DocumentSymbol]:
    """Outline nodes as LSP symbols; the name range is clamped into the full range, as LSP requires."""
    out: list[types.DocumentSymbol] = []
    for node in nodes:
        symbol = node.symbol
        if symbol.path is not None and here.path is not None and symbol.path != here.path:
            continue  # defined in another file (an import): not part of this document's outline
        full = symbol.full_range if symbol.full_range.contains(symbol.range) else symbol.range
        out.append(types.DocumentSymbol(
            name=symbol.name or "?", kind=symbol_kind(symbol), range=here.range(full),
            selection_range=here.range(symbol.range), detail=symbol.detail or symbol.kind.value,
            children=convert(here, node.children) or None))
    return out


async def document_symbols(server: DrvlsServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
    here = await target(server, params.text_document.uri)
    if here is None:
        return []
    loop = asyncio.get_running_loop()  # thousands of symbols on a big file: converted off the event loop
    return await loop.run_in_executor(server.thread_pool, lambda: convert(here, here.query.outline()))


def register(server: DrvlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def on_document_symbols(params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        return await document_symbols(server, params)
