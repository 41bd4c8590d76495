"""`textDocument/foldingRange`: the family's folds and every multi-line definition."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from drvls.lsp.navigation import target

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer


async def folding_ranges(server: DrvlsServer, params: types.FoldingRangeParams) -> list[types.FoldingRange]:
    here = await target(server, params.text_document.uri)
    if here is None:
        return []
    out = []
    for fold in here.query.folding_ranges():
        converted = here.range(fold)
        out.append(types.FoldingRange(start_line=converted.start.line, start_character=converted.start.character,
                                      end_line=converted.end.line, end_character=converted.end.character,
                                      kind=types.FoldingRangeKind.Region))
    return out


def register(server: DrvlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    async def on_folding_ranges(params: types.FoldingRangeParams) -> list[types.FoldingRange]:
        return await folding_ranges(server, params)
