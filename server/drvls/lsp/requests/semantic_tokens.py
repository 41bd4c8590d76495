"""`textDocument/semanticTokens/full`, `/full/delta` and `/range`: the core's tokens, encoded.

Each full answer gets a result id and is kept (the latest per document) so the next delta request
is answered with the edit from it (`core/semantic_tokens.delta`); an unknown or older id gets the
full data, as the protocol allows. Columns go from code points to the client's encoding here.
"""

from __future__ import annotations

import itertools
import secrets
import threading
from typing import TYPE_CHECKING

from lsprotocol import types

from drvls.core import semantic_tokens as core
from drvls.core.diagnostics import Position, Range
from drvls.lsp.convert import UTF32, PositionMapper, to_client_column
from drvls.lsp.current import Current, current, off_loop

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer

LEGEND = types.SemanticTokensLegend(token_types=list(core.TOKEN_TYPES), token_modifiers=list(core.TOKEN_MODIFIERS))


def client_columns(tokens: list[core.Token], text: str, mapper: PositionMapper) -> list[core.Token]:
    """Tokens with columns in the client's units (code points already when the text is ASCII)."""
    if mapper.encoding == UTF32 or text.isascii():
        return tokens
    out: list[core.Token] = []
    line_no, line, ascii_line = -1, "", True
    for token in tokens:
        if token.line != line_no:
            line_no, line = token.line, mapper.index.line_text(token.line)
            ascii_line = line.isascii()
        if ascii_line:
            out.append(token)
            continue
        start = to_client_column(line, token.start, mapper.encoding)
        end = to_client_column(line, token.start + token.length, mapper.encoding)
        out.append(token._replace(start=start, length=end - start))
    return out


def within(tokens: list[core.Token], wanted: Range) -> list[core.Token]:
    """The tokens that overlap `wanted` (code-point positions)."""
    return [t for t in tokens if Position(t.line, t.start + t.length) > wanted.start
            and Position(t.line, t.start) < wanted.end]


class Results:
    """The latest full data sent for each document, by result id (for deltas); thread-safe."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self._run = secrets.token_hex(4)  # ids from an earlier server never match
        self._latest: dict[str, tuple[str, list[int]]] = {}
        self._lock = threading.Lock()

    def keep(self, uri: str, data: list[int]) -> str:
        with self._lock:
            result_id = f"{self._run}-{next(self._ids)}"
            self._latest[uri] = (result_id, data)
        return result_id

    def previous(self, uri: str, result_id: str) -> list[int] | None:
        with self._lock:
            kept = self._latest.get(uri)
        return kept[1] if kept is not None and kept[0] == result_id else None

    def forget(self, uri: str) -> None:
        with self._lock:
            self._latest.pop(uri, None)


async def tokens(server: DrvlsServer, uri: str) -> tuple[Current, list[core.Token]] | None:
    here = await current(server, uri)
    if here is None:
        return None
    found = await off_loop(server, lambda: core.tokens_for(here.analysis, here.text))
    return (here, found) if found is not None else None


async def full(server: DrvlsServer, results: Results, uri: str) -> types.SemanticTokens | None:
    got = await tokens(server, uri)
    if got is None:
        return None
    here, found = got
    data = core.encode(client_columns(found, here.text, here.mapper))
    return types.SemanticTokens(data=data, result_id=results.keep(uri, data))


async def full_delta(server: DrvlsServer, results: Results, uri: str, previous_id: str
                     ) -> types.SemanticTokens | types.SemanticTokensDelta | None:
    previous = results.previous(uri, previous_id)
    answer = await full(server, results, uri)
    if answer is None or previous is None:
        return answer
    edits = [types.SemanticTokensEdit(start=e.start, delete_count=e.delete_count, data=list(e.data))
             for e in core.delta(previous, answer.data)]
    return types.SemanticTokensDelta(edits=edits, result_id=answer.result_id)


async def ranged(server: DrvlsServer, uri: str, rng: types.Range) -> types.SemanticTokens | None:
    got = await tokens(server, uri)
    if got is None:
        return None
    here, found = got
    wanted = Range(here.mapper.core_position(rng.start), here.mapper.core_position(rng.end))
    return types.SemanticTokens(data=core.encode(client_columns(within(found, wanted), here.text, here.mapper)))


def register(server: DrvlsServer) -> None:
    results = Results()
    server.document_listeners.append(lambda event, uri: results.forget(uri) if event == "close" else None)

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, LEGEND)
    async def on_full(params: types.SemanticTokensParams) -> types.SemanticTokens | None:
        return await full(server, results, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL_DELTA, LEGEND)
    async def on_delta(params: types.SemanticTokensDeltaParams
                       ) -> types.SemanticTokens | types.SemanticTokensDelta | None:
        return await full_delta(server, results, params.text_document.uri, params.previous_result_id)

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE, LEGEND)
    async def on_range(params: types.SemanticTokensRangeParams) -> types.SemanticTokens | None:
        return await ranged(server, params.text_document.uri, params.range)
