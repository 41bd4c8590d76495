"""Semantic tokens of a CAmkES/IDL4 file from the grammar's own highlight query (`queries/highlights.scm`).

The query runs over the analysis's tree of the text as written (no second parse); only a file the
analysis read through cpp has no such tree, and is parsed here once. Capture names map to the
standard legend of `core/semantic_tokens.py`; captures with no standard meaning (punctuation,
embedded macro bodies) are disabled in the query. Where captures cover the same node the capture
named first in the query wins; a node inside a captured node cuts it, so tokens never overlap.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from drvls.camkes import grammar
from drvls.camkes.analyzer import CamkesState
from drvls.camkes.index import CamkesModel
from drvls.core.languages import Analysis
from drvls.core.semantic_tokens import Token
from drvls.core.text import LineIndex

# Capture name → (token type, modifiers); a name is looked up whole, then by its dotted prefixes.
CAPTURES: dict[str, tuple[str, tuple[str, ...]]] = {
    "comment": ("comment", ()),
    "keyword": ("keyword", ()),
    "keyword.modifier": ("modifier", ()),
    "boolean": ("keyword", ()),
    "constant.macro": ("macro", ("declaration",)),
    "function.macro": ("macro", ()),
    "function.call": ("function", ()),
    "function.method": ("method", ("declaration",)),
    "type": ("type", ()),
    "type.builtin": ("type", ("defaultLibrary",)),
    "type.definition": ("type", ("declaration", "definition")),
    "variable": ("variable", ()),
    "variable.parameter": ("parameter", ("declaration",)),
    "variable.member": ("property", ()),
    "property": ("property", ()),
    "string": ("string", ()),
    "number": ("number", ()),
    "operator": ("operator", ()),
}

_local = threading.local()


def token_kind(capture: str) -> tuple[str, tuple[str, ...]] | None:
    """The legend entry of a capture name (`keyword.import` → `keyword`), or None for no token."""
    name = capture
    while name:
        if name in CAPTURES:
            return CAPTURES[name]
        name = name.rpartition(".")[0]
    return None


@dataclass(frozen=True)
class Highlights:
    """The compiled query, with the captures that give no token disabled, and each capture's rank."""

    query: Any
    rank: dict[str, int]  # the capture named first in the query wins on a node captured twice


def _highlights() -> Highlights:
    """Compiled once per thread (query cursors are not shared across threads)."""
    found: Highlights | None = getattr(_local, "highlights", None)
    if found is None:
        import tree_sitter
        import tree_sitter_camkes

        lang: Any = grammar.language()
        query = tree_sitter.Query(lang, tree_sitter_camkes.HIGHLIGHTS_QUERY)
        names = [query.capture_name(n) for n in range(query.capture_count)]  # in order of first appearance
        for name in names:
            if token_kind(name) is None:
                query.disable_capture(name)
        found = _local.highlights = Highlights(query, {name: n for n, name in enumerate(names)})
    return found


def semantic_tokens(analysis: Analysis, text: str) -> list[Token] | None:
    if not isinstance(analysis.model, CamkesModel):
        return None
    if not grammar.available():
        return []
    state = analysis.state
    # A tree is read by one thread at a time: each request reads its own (shallow, cheap) copy.
    own = isinstance(state, CamkesState)
    tree = state.tree.copy() if own else grammar.parse(text.encode("utf-8", "surrogatepass"))
    return tokens_of_tree(tree, text) if tree is not None else []


Kind = tuple[str, tuple[str, ...]]
Span = tuple[int, int, Kind]  # UTF-8 byte offsets
_WIDE = 1 << 40  # `start * _WIDE - end` sorts by start, longer spans first


def tokens_of_tree(tree: Any, text: str) -> list[Token]:
    import tree_sitter

    highlights = _highlights()
    chosen: dict[int, tuple[int, int, int, Kind]] = {}
    for name, nodes in tree_sitter.QueryCursor(highlights.query).captures(tree.root_node).items():
        kind, rank = token_kind(name), highlights.rank[name]
        if kind is None:
            continue
        for node in nodes:
            start, end = node.start_byte, node.end_byte
            key = start * _WIDE - end
            if start < end and (key not in chosen or rank < chosen[key][0]):
                chosen[key] = (rank, start, end, kind)
    spans = flatten([chosen[key][1:] for key in sorted(chosen)])
    return _on_lines(spans, Columns(text))


def flatten(spans: list[Span]) -> list[Span]:
    """Nested spans (sorted by start, longest first) → disjoint spans where the innermost wins."""
    out: list[Span] = []
    stack: list[Span] = []
    cursor = 0

    def close(until: int) -> None:
        nonlocal cursor
        while stack and stack[-1][1] <= until:
            _, end, kind = stack.pop()
            if end > cursor:
                out.append((cursor, end, kind))
                cursor = end

    for start, end, kind in spans:
        close(start)
        if stack and start > cursor:
            out.append((cursor, start, stack[-1][2]))
        cursor = max(cursor, start)
        stack.append((start, min(end, stack[-1][1]) if stack else end, kind))
    close(1 << 62)
    return out


class Columns:
    """Byte offsets → (line, code-point column): a search in the line starts when the text is ASCII
    with `\n` line ends (nearly every file), else the line index, which knows `\r` and wide characters."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] | None = None
        if text.isascii() and "\r" not in text:
            self.starts = [0, *(m.end() for m in re.finditer("\n", text))]

    @cached_property
    def index(self) -> LineIndex:
        return LineIndex(self.text)

    def position(self, offset: int) -> tuple[int, int]:
        if self.starts is not None:
            line = bisect_right(self.starts, offset) - 1
            return line, offset - self.starts[line]
        found = self.index.position(offset)
        return found.line, found.character

    def line_length(self, line: int) -> int:
        return len(self.index.line_text(line))


def _on_lines(spans: list[Span], columns: Columns) -> list[Token]:
    """Each span as tokens of one line each (a block comment gives one token per line)."""
    out: list[Token] = []
    position = columns.position
    for start, end, (kind, modifiers) in spans:
        (first_line, first_col), (last_line, last_col) = position(start), position(end)
        if first_line == last_line:
            if last_col > first_col:
                out.append(Token(first_line, first_col, last_col - first_col, kind, modifiers))
            continue
        for line in range(first_line, last_line + 1):
            begin = first_col if line == first_line else 0
            stop = last_col if line == last_line else columns.line_length(line)
            if stop > begin:
                out.append(Token(line, begin, stop - begin, kind, modifiers))
    return out
