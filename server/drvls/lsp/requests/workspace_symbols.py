"""`workspace/symbol`: definitions in every analysis the server holds, matched fuzzily by name."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import from_fs_path

from drvls.core.query import workspace_symbols
from drvls.core.symbols import Symbol, SymbolIndex
from drvls.lsp.convert import PositionMapper
from drvls.lsp.navigation import symbol_kind

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer


def convert(server: DrvlsServer, found: list[Symbol], indexes: list[SymbolIndex]) -> list[types.WorkspaceSymbol]:
    mappers: dict[Path, PositionMapper] = {}
    out: list[types.WorkspaceSymbol] = []
    for symbol in found:
        if symbol.path is None:
            continue
        uri = from_fs_path(str(symbol.path))
        if uri is None:
            continue
        mapper = mappers.get(symbol.path)
        if mapper is None:
            mapper = mappers[symbol.path] = PositionMapper(server.text_of(symbol.path), server.encoding)
        out.append(types.WorkspaceSymbol(
            name=symbol.name, kind=symbol_kind(symbol), container_name=container_name(symbol, indexes),
            location=types.Location(uri=uri, range=mapper.range(symbol.range))))
    return out


def container_name(symbol: Symbol, indexes: list[SymbolIndex]) -> str | None:
    """The enclosing definition's name (its key is what the index records)."""
    if symbol.container is None:
        return None
    for index in indexes:
        found = index.lookup(symbol.container)
        if found:
            return found[0].name
    return None


async def symbols(server: DrvlsServer, params: types.WorkspaceSymbolParams) -> list[types.WorkspaceSymbol]:
    for doc in server.documents.all():  # an open document not analysed yet still has its names found
        await server.analyse_current(doc)
    indexes = server.held_indexes()
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(server.thread_pool,
                                      lambda: convert(server, workspace_symbols(indexes, params.query), indexes))


def register(server: DrvlsServer) -> None:
    @server.feature(types.WORKSPACE_SYMBOL)
    async def on_workspace_symbols(params: types.WorkspaceSymbolParams) -> list[types.WorkspaceSymbol]:
        return await symbols(server, params)
