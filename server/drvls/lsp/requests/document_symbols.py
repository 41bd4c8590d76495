"""`textDocument/documentSymbol`: the family's hierarchical outline of the file.

The answer is built as the protocol's JSON (thousands of symbols on a large file), encoded to text off
the event loop, and kept for the snapshot it came from, so asking again about the same version costs
only sending that text.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from drvls.core.symbols import OutlineNode, SymbolIndex
from drvls.lsp.convert import Prepared
from drvls.lsp.navigation import Target, symbol_kind, target

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer

Outline = list[dict[str, Any]]


def convert(here: Target, nodes: tuple[OutlineNode, ...]) -> Outline:
    """Outline nodes as LSP `DocumentSymbol` JSON; the name range is clamped into the full range, as LSP requires."""
    out: Outline = []
    range_json = here.mapper.range_json
    for node in nodes:
        symbol = node.symbol
        if symbol.path is not None and here.path is not None and symbol.path != here.path:
            continue  # defined in another file (an import): not part of this document's outline
        full = symbol.full_range if symbol.full_range.contains(symbol.range) else symbol.range
        item: dict[str, Any] = {"name": symbol.name or "?", "detail": symbol.detail or symbol.kind.value,
                                "kind": symbol_kind(symbol).value, "range": range_json(full),
                                "selectionRange": range_json(symbol.range)}
        children = convert(here, node.children)
        if children:
            item["children"] = children
        out.append(item)
    return out


# The last answer per document, with the index it was made from (an immutable snapshot's) and the
# position encoding: a new analysis has a new index, so a stale answer is never served.
_answers: OrderedDict[str, tuple[SymbolIndex, str, Prepared]] = OrderedDict()
_answers_lock = threading.Lock()
ANSWERS = 32


def outline(here: Target, encoding: str) -> Prepared:
    index = here.query.index
    with _answers_lock:
        kept = _answers.get(here.uri)
    if kept is not None and kept[0] is index and kept[1] == encoding:
        return kept[2]
    answer = Prepared(convert(here, here.query.outline()))
    answer.encoded()  # here, on a worker thread: the event loop only sends the text
    with _answers_lock:
        _answers[here.uri] = (index, encoding, answer)
        _answers.move_to_end(here.uri)
        while len(_answers) > ANSWERS:
            _answers.popitem(last=False)
    return answer


async def document_symbols(server: DrvlsServer, params: types.DocumentSymbolParams) -> Prepared:
    here = await target(server, params.text_document.uri)
    if here is None:
        return Prepared()
    loop = asyncio.get_running_loop()  # thousands of symbols on a big file: converted off the event loop
    return await loop.run_in_executor(server.thread_pool, lambda: outline(here, server.encoding))


def register(server: DrvlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def on_document_symbols(params: types.DocumentSymbolParams) -> Prepared:
        return await document_symbols(server, params)
