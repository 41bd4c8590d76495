"""Positions: UTF-8 byte offsets (tree-sitter) ⇄ code-point columns (our model) ⇄ UTF-16 (LSP).

Lines end as LSP says they do: at `\n`, `\r\n` or a lone `\r`. Tree-sitter counts rows at `\n`
only, so its points are converted through byte offsets when the text holds a lone `\r`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from operator import add

from drvls.core.diagnostics import Position, Range

LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")
_LONE_CR = re.compile(rb"\r(?!\n)")


def split_lines(text: str) -> list[str]:
    """The text's lines as an editor counts them (unlike `str.splitlines`, which also breaks at
    form feeds, U+2028 and more)."""
    return LINE_BREAK.split(text)


class LineIndex:
    """Maps between byte offsets of the UTF-8 encoding and (line, code-point column) positions.

    Built once per document version; lookups are O(log lines) plus the length of one line.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.data = text.encode("utf-8", "surrogatepass")
        # Line starts from C-level split/accumulate: a per-keystroke cost on 10,000-line files.
        ends = list(accumulate(map(len, self.data.split(b"\n"))))
        self._byte_starts: list[int] = [0, *map(add, ends[:-1], range(1, len(ends)))]
        # Tree-sitter rows (at `\n` only); the same list unless a lone `\r` also ends a line.
        self._row_starts = self._byte_starts
        if b"\r" in self.data and _LONE_CR.search(self.data):
            self._byte_starts = [0, *(m.end() for m in _LINE_BREAK_BYTES.finditer(self.data))]
        self._ascii = len(self.data) == len(text)

    @property
    def line_count(self) -> int:
        return len(self._byte_starts)

    def line_bytes(self, line: int) -> bytes:
        start = self._byte_starts[line]
        end = self._byte_starts[line + 1] - 1 if line + 1 < len(self._byte_starts) else len(self.data)
        return self.data[start:end]

    def line_text(self, line: int) -> str:
        return self.line_bytes(line).decode("utf-8", "replace").rstrip("\r")

    def position(self, byte_offset: int) -> Position:
        byte_offset = max(0, min(byte_offset, len(self.data)))
        line = bisect_right(self._byte_starts, byte_offset) - 1
        return self._line_position(line, byte_offset - self._byte_starts[line])

    def point_position(self, row: int, byte_column: int) -> Position:
        """A tree-sitter point (row, byte column) as a code-point position."""
        if self._row_starts is not self._byte_starts:
            if row >= len(self._row_starts):
                return self.end()
            return self.position(self._row_starts[row] + byte_column)
        return self._line_position(row, byte_column)

    def _line_position(self, row: int, byte_column: int) -> Position:
        if self._ascii or row >= len(self._byte_starts):
            return Position(row, byte_column)
        start = self._byte_starts[row]
        prefix = self.data[start:start + byte_column]
        return Position(row, len(prefix.decode("utf-8", "replace")))

    def range(self, start_byte: int, end_byte: int) -> Range:
        return Range(self.position(start_byte), self.position(end_byte))

    def byte_offset(self, pos: Position) -> int:
        """The byte offset of a code-point position (clamped to the line's end)."""
        if pos.line >= len(self._byte_starts):
            return len(self.data)
        start = self._byte_starts[pos.line]
        if self._ascii:
            return min(start + pos.character, self._line_end(pos.line))
        line = self.line_bytes(pos.line).decode("utf-8", "surrogatepass")
        return start + len(line[: pos.character].encode("utf-8", "surrogatepass"))

    def _line_end(self, line: int) -> int:
        if line + 1 < len(self._byte_starts):
            return self._byte_starts[line + 1] - 1
        return len(self.data)

    def end(self) -> Position:
        return self.position(len(self.data))


def utf16_column(line_text: str, character: int) -> int:
    """Code-point column → UTF-16 code units, for LSP clients that negotiate UTF-16."""
    prefix = line_text[:character]
    return character + sum(1 for ch in prefix if ord(ch) > 0xFFFF)


def from_utf16_column(line_text: str, units: int) -> int:
    """UTF-16 code units → code-point column."""
    count = 0
    for i, ch in enumerate(line_text):
        if count >= units:
            return i
        count += 2 if ord(ch) > 0xFFFF else 1
    return len(line_text)
