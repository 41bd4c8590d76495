"""`textDocument/rangeFormatting` and `textDocument/rangesFormatting`: format only the lines a range
touches.

The whole document is formatted (indentation depends on everything above), then only the edits
that touch the lines of the range are kept, so lines outside it stay as written. A start tag the
formatter lays out again is one stretch of edits on its first line, so it is taken whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from lsprotocol import types

from drvls.core.format_edits import Edit, edits_in_lines
from drvls.lsp.convert import PositionMapper, Prepared
from drvls.lsp.requests.formatting import format_document, text_edits

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer


async def format_ranges(server: DrvlsServer, uri: str, ranges: Sequence[types.Range],
                        options: types.FormattingOptions) -> Prepared | None:
    formatted = await format_document(server, uri, options)
    if formatted is None:
        return None
    mapper = PositionMapper(formatted.text, server.encoding)
    kept: set[Edit] = set()
    for rng in ranges:
        start, end = mapper.core_position(rng.start), mapper.core_position(rng.end)
        last = end.line - 1 if end.character == 0 and end.line > start.line else end.line  # whole lines chosen
        kept.update(edits_in_lines(formatted.edits, formatted.lines, start.line, last))
    return text_edits(server, formatted, sorted(kept))


def register(server: DrvlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_RANGE_FORMATTING,
                    types.DocumentRangeFormattingOptions(ranges_support=True))
    async def on_range_formatting(params: types.DocumentRangeFormattingParams) -> Prepared | None:
        return await format_ranges(server, params.text_document.uri, [params.range], params.options)

    @server.feature(types.TEXT_DOCUMENT_RANGES_FORMATTING)
    async def on_ranges_formatting(params: types.DocumentRangesFormattingParams) -> Prepared | None:
        return await format_ranges(server, params.text_document.uri, params.ranges, params.options)
