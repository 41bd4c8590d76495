"""Semantic tokens of a CAmkES/IDL4 file from the grammar's own highlight query (`queries/highlights.scm`).

The query runs over the analysis's tree of the text as written (no second parse); only a file the
analysis read through cpp has no such tree, and is parsed here once. Capture names map to the
standard legend of `core/semantic_tokens.py`; captures with no standard meaning (punctuation,
embedded macro bodies) give no token. Where captures cover the same node the query's first pattern
wins (tree-sitter's own precedence); a node inside a captured node cuts it, so tokens never overlap.
"""

from __future__ import annotations

import threading
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


def _query() -> Any:
    """The compiled highlight query, once per thread (query cursors are not shared across threads)."""
    query = getattr(_local, "highlights", None)
    if query is None:
        import tree_sitter
        import tree_sitter_camkes

        lang: Any = grammar.language()
        query = _local.highlights = tree_sitter.Query(lang, tree_sitter_camkes.HIGHLIGHTS_QUERY)
    return query


def semantic_tokens(analysis: Analysis, text: str) -> list[Token] | None:
    if not isinstance(analysis.model, CamkesModel):
        return None
    if not grammar.available():
        return []
    state = analysis.state
    tree = state.tree if isinstance(state, CamkesState) else grammar.parse(text.encode("utf-8", "surrogatepass"))
    return tokens_of_tree(tree, text) if tree is not None else []


def tokens_of_tree(tree: Any, text: str) -> list[Token]:
    import tree_sitter

    chosen: dict[tuple[int, int], tuple[int, tuple[str, tuple[str, ...]]]] = {}
    for pattern, captures in tree_sitter.QueryCursor(_query()).matches(tree.root_node):
        for name, nodes in captures.items():
            kind = token_kind(name)
            if kind is None:
                continue
            for node in nodes:
                key = (node.start_byte, node.end_byte)
                if key[0] < key[1] and (key not in chosen or pattern < chosen[key][0]):
                    chosen[key] = (pattern, kind)
    spans = flatten(sorted(((s, e, kind) for (s, e), (_, kind) in chosen.items()), key=lambda x: (x[0], -x[1])))
    return list(_on_lines(spans, LineIndex(text)))


Span = tuple[int, int, tuple[str, tuple[str, ...]]]


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


def _on_lines(spans: list[Span], index: LineIndex) -> Any:
    """Each span as tokens of one line each (a block comment gives one token per line)."""
    for start, end, (kind, modifiers) in spans:
        first, last = index.position(start), index.position(end)
        for line in range(first.line, last.line + 1):
            begin = first.character if line == first.line else 0
            stop = last.character if line == last.line else len(index.line_text(line))
            if stop > begin:
                yield Token(line, begin, stop - begin, kind, modifiers)
