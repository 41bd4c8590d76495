"""Semantic tokens as the core gives them, their legend, the protocol's integer encoding and deltas.

Families turn their tree into `Token`s (`camkes/semantic_tokens.py`: the grammar's highlight
query); `tokens_for` asks every family module named in `PROVIDERS`, imported lazily, so the core
imports no family. Columns here are code points; the face converts them to the client's encoding
before `encode`. `delta` gives the one edit that turns the previous integers into the new ones,
aligned to whole tokens (five integers each), as rust-analyzer does.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from drvls.core.languages import Analysis

# Modules exposing `semantic_tokens(analysis, text) -> list[Token] | None` (None: not that family's file).
PROVIDERS = ("drvls.camkes.semantic_tokens",)

# The legend: standard LSP token types and modifiers only, so every editor's theme colours them.
TOKEN_TYPES: tuple[str, ...] = (
    "namespace", "type", "class", "enum", "interface", "struct", "typeParameter", "parameter", "variable",
    "property", "enumMember", "event", "function", "method", "macro", "keyword", "modifier", "comment", "string",
    "number", "regexp", "operator", "decorator",
)
TOKEN_MODIFIERS: tuple[str, ...] = (
    "declaration", "definition", "readonly", "static", "deprecated", "abstract", "async", "modification",
    "documentation", "defaultLibrary",
)
_TYPE_INDEX = {name: n for n, name in enumerate(TOKEN_TYPES)}
_MODIFIER_BIT = {name: 1 << n for n, name in enumerate(TOKEN_MODIFIERS)}
TOKEN_WIDTH = 5  # integers per token in the encoding


class Token(NamedTuple):
    """One token on one line: `start` and `length` in code points; `type` and `modifiers` from the legend.
    A named tuple: immutable, ordered by position, and cheap to make by the ten thousand."""

    line: int
    start: int
    length: int
    type: str
    modifiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class TokenEdit:
    """Replace `delete_count` integers at `start` of the previous data with `data`."""

    start: int
    delete_count: int
    data: tuple[int, ...]


def tokens_for(analysis: Analysis, text: str) -> list[Token] | None:
    """The tokens of the first family that colours this file; None when none does."""
    for name in PROVIDERS:
        found: list[Token] | None = importlib.import_module(name).semantic_tokens(analysis, text)
        if found is not None:
            return found
    return None


def encode(tokens: Iterable[Token]) -> list[int]:
    """The protocol's relative encoding of tokens sorted by position (columns already in client units)."""
    data: list[int] = []
    kinds: dict[tuple[str, tuple[str, ...]], tuple[int, int]] = {}
    line = start = 0
    for token in tokens:
        kind = kinds.get((token.type, token.modifiers))
        if kind is None:
            bits = 0
            for name in token.modifiers:
                bits |= _MODIFIER_BIT[name]
            kind = kinds[(token.type, token.modifiers)] = (_TYPE_INDEX[token.type], bits)
        data += (token.line - line, token.start - start if token.line == line else token.start, token.length, *kind)
        line, start = token.line, token.start
    return data


def delta(old: Sequence[int], new: Sequence[int]) -> list[TokenEdit]:
    """The edits turning `old` into `new`: none when equal, else one replacing what lies between their
    longest common prefix and suffix of whole tokens."""
    if list(old) == list(new):
        return []
    prefix = 0
    limit = min(len(old), len(new))
    while prefix + TOKEN_WIDTH <= limit and old[prefix:prefix + TOKEN_WIDTH] == new[prefix:prefix + TOKEN_WIDTH]:
        prefix += TOKEN_WIDTH
    suffix = 0
    while (suffix + TOKEN_WIDTH <= limit - prefix
           and old[len(old) - suffix - TOKEN_WIDTH:len(old) - suffix]
           == new[len(new) - suffix - TOKEN_WIDTH:len(new) - suffix]):
        suffix += TOKEN_WIDTH
    return [TokenEdit(prefix, len(old) - prefix - suffix, tuple(new[prefix:len(new) - suffix]))]
