"""Semantic tokens as the editor holds them: requests, the protocol's integers decoded to absolute tokens,
and delta edits applied to the previous integers (the client's side of `full/delta`)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from annotation_support import WAIT, RecordingClient
from lsprotocol import types


@dataclass(frozen=True, order=True)
class Tok:
    line: int
    start: int
    length: int
    type: str
    modifiers: tuple[str, ...]


def legend(client: RecordingClient) -> types.SemanticTokensLegend:
    provider = client.editor.init.capabilities.semantic_tokens_provider
    assert provider is not None
    return provider.legend


def decode(client: RecordingClient, data: list[int]) -> list[Tok]:
    names = legend(client)
    assert len(data) % 5 == 0
    out, line, start = [], 0, 0
    for i in range(0, len(data), 5):
        d_line, d_start, length, kind, bits = data[i:i + 5]
        line += d_line
        start = start + d_start if d_line == 0 else d_start
        mods = tuple(name for n, name in enumerate(names.token_modifiers) if bits & (1 << n))
        out.append(Tok(line, start, length, names.token_types[kind], mods))
    return out


def apply_edits(data: list[int], edits: list[types.SemanticTokensEdit]) -> list[int]:
    """What a client does with a delta: splice each edit into the previous integers (last edit first)."""
    out = list(data)
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        out[edit.start:edit.start + edit.delete_count] = list(edit.data or [])
    return out


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


async def full(client: RecordingClient, uri: str) -> types.SemanticTokens:
    found = await asyncio.wait_for(client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=doc(uri))), WAIT)
    assert isinstance(found, types.SemanticTokens)
    return found


async def delta(client: RecordingClient, uri: str, previous: str) -> types.SemanticTokens | types.SemanticTokensDelta:
    found = await asyncio.wait_for(client.text_document_semantic_tokens_full_delta_async(
        types.SemanticTokensDeltaParams(text_document=doc(uri), previous_result_id=previous)), WAIT)
    assert found is not None
    return found


async def ranged(client: RecordingClient, uri: str, rng: types.Range) -> types.SemanticTokens:
    found = await asyncio.wait_for(client.text_document_semantic_tokens_range_async(
        types.SemanticTokensRangeParams(text_document=doc(uri), range=rng)), WAIT)
    assert isinstance(found, types.SemanticTokens)
    return found


def utf16_length(line: str) -> int:
    return len(line.encode("utf-16-le", "surrogatepass")) // 2


def check_shape(tokens: list[Tok], text: str) -> None:
    """In bounds (UTF-16 columns), non-empty, sorted and non-overlapping."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    previous: Tok | None = None
    for tok in tokens:
        assert 0 <= tok.line < len(lines), tok
        assert tok.length > 0 and tok.start + tok.length <= utf16_length(lines[tok.line]), (tok, lines[tok.line])
        if previous is not None:
            assert (previous.line, previous.start + previous.length) <= (tok.line, tok.start), (previous, tok)
        previous = tok
