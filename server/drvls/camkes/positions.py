"""Where a tree-sitter node was written: in the text parsed, or back through cpp's line markers.

The raw text a user edits maps directly (tree-sitter points → code-point columns). Preprocessed
text maps through its line markers: every token, in order, is found again in the source line
it came from, so a macro's arguments are underlined where they were written and anything else
a macro produced lands on the macro's name (see `preprocess.ColumnMapper`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import Any, Protocol

from drvls.camkes import model as m
from drvls.camkes.preprocess import ColumnMapper, Preprocessed
from drvls.core.diagnostics import Position, Range
from drvls.core.text import LineIndex

SKIPPED = ("comment",)


class Positions(Protocol):
    def loc(self, node: Any) -> m.Loc: ...


class TextPositions:
    """Positions in the parsed text itself."""

    def __init__(self, text: str, path: Path | None) -> None:
        self.index = LineIndex(text)
        self.path = path

    def loc(self, node: Any) -> m.Loc:
        start = self.index.point_position(*node.start_point)
        end = self.index.point_position(*node.end_point)
        return m.Loc(self.path, Range(start, end))


def is_skipped(node: Any) -> bool:
    """Comments and preprocessor lines (cpp's line markers included) carry no tokens of the model."""
    kind: str = node.type
    return kind in SKIPPED or kind.startswith("preproc_")


def tokens(root: Any) -> list[Any]:
    """Every token (leaf) of the tree in text order, without comments, directives and MISSING nodes."""
    out: list[Any] = []
    cursor = root.walk()
    while True:
        node = cursor.node
        if node.child_count and not is_skipped(node) and cursor.goto_first_child():
            continue
        if not node.child_count and not node.is_missing and not is_skipped(node) and node.end_byte > node.start_byte:
            out.append(node)
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return out


class CppPositions:
    """Positions of preprocessed text in the files cpp read, row by row as they are asked for.

    A row cpp left as written (and the only row from its source line) maps column for column;
    any other row has its tokens found, in order, in its source line. Rows sharing a source
    line are mapped in text order, so every token lands where an in-order scan would put it.
    """

    def __init__(self, root: Any, text: str, pre: Preprocessed, mapper: ColumnMapper, path: Path | None) -> None:
        self.root = root
        self.index = LineIndex(text)
        self.lines = text.split("\n")
        self.origins = pre.origins
        self.mapper = mapper
        self.path = path
        self.fallback = pre.origins[-1] if pre.origins else (path, 0)
        self.rows_of: dict[tuple[Path | None, int], list[int]] = {}
        for row, origin in enumerate(self.origins):
            self.rows_of.setdefault(origin, []).append(row)
        self.direct: dict[int, bool] = {}
        self.mapped: dict[int, tuple[list[int], list[int], list[m.Loc]]] = {}

    def origin(self, row: int) -> tuple[Path | None, int]:
        return self.origins[row] if row < len(self.origins) else self.fallback

    def is_direct(self, row: int) -> bool:
        found = self.direct.get(row)
        if found is None:
            source, line = self.origin(row)
            found = (row < len(self.lines) and len(self.rows_of.get((source, line), ())) == 1
                     and self.lines[row].rstrip() == self.mapper.source_line(source, line).rstrip())
            self.direct[row] = found
        return found

    def point(self, row: int, byte_column: int) -> tuple[Path | None, Position]:
        source, line = self.origin(row)
        return source, Position(line, self.index.point_position(row, byte_column).character)

    def row_tokens(self, row: int) -> tuple[list[int], list[int], list[m.Loc]]:
        """(start bytes, end bytes, locations) of the tokens of a row that needs mapping."""
        found = self.mapped.get(row)
        if found is not None:
            return found
        for earlier in self.rows_of.get(self.origin(row), [row]):
            if earlier < row and earlier not in self.mapped:
                self.row_tokens(earlier)
        starts: list[int] = []
        ends: list[int] = []
        locs: list[m.Loc] = []
        source, line = self.origin(row)
        for token in row_leaves(self.root, self.index.byte_offset(Position(row, 0)), row):
            text = bytes(token.text).decode("utf-8", "replace")
            start, end = self.mapper.locate(source, line, text)
            starts.append(token.start_byte)
            ends.append(token.end_byte)
            locs.append(m.Loc(source, Range(Position(line, start), Position(line, end))))
        found = self.mapped[row] = (starts, ends, locs)
        return found

    def start(self, node: Any) -> m.Loc | None:
        row, column = node.start_point
        if self.is_direct(row):
            source, pos = self.point(row, column)
            return m.Loc(source, Range(pos, pos))
        starts, _, locs = self.row_tokens(row)
        at = bisect_left(starts, node.start_byte)
        return locs[at] if at < len(locs) else None

    def end(self, node: Any) -> m.Loc | None:
        row, column = node.end_point
        if self.is_direct(row):
            source, pos = self.point(row, column)
            return m.Loc(source, Range(pos, pos))
        _, ends, locs = self.row_tokens(row)
        at = bisect_right(ends, node.end_byte) - 1
        return locs[at] if at >= 0 else None

    def loc(self, node: Any) -> m.Loc:
        if node.end_byte > node.start_byte:
            first, last = self.start(node), self.end(node)
            if first is not None and last is not None:
                return span(first, last)
            if first is not None or last is not None:
                return first or last  # type: ignore[return-value]
        last = self.end(node)  # an empty node (MISSING): just after the token before it
        if last is not None:
            return m.Loc(last.path, Range(last.range.end, last.range.end))
        source, line = self.origin(node.start_point[0])
        return m.Loc(source, Range(Position(line, 0), Position(line, 0)))


def row_leaves(root: Any, row_start: int, row: int) -> list[Any]:
    """The tokens (leaves) that start on output row `row`, in order, found without walking the tree."""
    out: list[Any] = []
    cursor = root.walk()
    while cursor.node.child_count and cursor.goto_first_child_for_byte(row_start) is not None:
        pass
    while True:
        node = cursor.node
        if node.start_point[0] > row:
            return out
        if node.child_count and not is_skipped(node) and cursor.goto_first_child():
            continue
        if (not node.child_count and not node.is_missing and not is_skipped(node)
                and node.end_byte > node.start_byte and node.start_point[0] == row):
            out.append(node)
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return out


def span(first: m.Loc, last: m.Loc) -> m.Loc:
    """From the start of `first` to the end of `last` (same file, in order), else just `first`."""
    if first.path != last.path or last.range.end < first.range.start:
        return first
    return m.Loc(first.path, Range(first.range.start, last.range.end))
