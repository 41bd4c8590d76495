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


class LineStarts:
    """The byte offsets where lines start, in blocks that successive versions of a text share.

    An edit rebuilds the blocks it touches and moves the offsets of the blocks after it, so the
    table of the next version costs the lines per block plus the number of blocks, not a scan of
    the text; no table is ever changed once built (a previous snapshot keeps its own).
    """

    __slots__ = ("_blocks", "_firsts", "_offsets", "count")
    BLOCK = 256

    def __init__(self, blocks: list[list[int]], offsets: list[int], firsts: list[int], count: int) -> None:
        self._blocks = blocks  # each block's line starts relative to its first line's start
        self._offsets = offsets  # the byte offset of each block's first line
        self._firsts = firsts  # the line number of each block's first line
        self.count = count

    @classmethod
    def of(cls, starts: list[int]) -> LineStarts:
        """The table of an ascending list of line starts (starting with 0)."""
        size = cls.BLOCK
        blocks, offsets, firsts = [], [], []
        for first in range(0, len(starts), size):
            chunk = starts[first:first + size]
            base = chunk[0]
            blocks.append([s - base for s in chunk] if base else chunk)
            offsets.append(base)
            firsts.append(first)
        return cls(blocks, offsets, firsts, len(starts))

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, line: int) -> int:
        if line < 0:
            line += self.count
        if not 0 <= line < self.count:
            raise IndexError(line)
        block = bisect_right(self._firsts, line) - 1
        return self._offsets[block] + self._blocks[block][line - self._firsts[block]]

    def line_of(self, offset: int) -> int:
        """The line holding byte `offset` (the last line starting at or before it)."""
        block = bisect_right(self._offsets, offset) - 1
        return self._firsts[block] + bisect_right(self._blocks[block], offset - self._offsets[block]) - 1

    def to_list(self) -> list[int]:
        return [base + s for base, block in zip(self._offsets, self._blocks, strict=True) for s in block]

    def edited(self, start: int, old_end: int, inserted: list[int], delta: int) -> LineStarts:
        """The table after bytes `start`..`old_end` were replaced: starts up to `start` kept, those inside
        the replaced bytes dropped, `inserted` (absolute, in the new text) added, later ones moved by `delta`."""
        first_block = bisect_right(self._offsets, start) - 1
        last_block = max(first_block, bisect_right(self._offsets, old_end) - 1)
        offsets, blocks, firsts = self._offsets, self._blocks, self._firsts
        middle = [offsets[b] + s for b in range(first_block, last_block + 1) for s in blocks[b]]
        lo, hi = bisect_right(middle, start), bisect_right(middle, old_end)
        middle = [*middle[:lo], *inserted, *(s + delta for s in middle[hi:])]
        removed = sum(len(blocks[b]) for b in range(first_block, last_block + 1))
        line_delta = len(middle) - removed
        new_blocks, new_offsets, new_firsts = blocks[:first_block], offsets[:first_block], firsts[:first_block]
        line = firsts[first_block]
        size = self.BLOCK
        for at in range(0, len(middle), size):
            chunk = middle[at:at + size]
            base = chunk[0]
            new_blocks.append([s - base for s in chunk])
            new_offsets.append(base)
            new_firsts.append(line + at)
        tail = last_block + 1
        new_blocks += blocks[tail:]
        new_offsets += [o + delta for o in offsets[tail:]] if delta else offsets[tail:]
        new_firsts += [f + line_delta for f in firsts[tail:]] if line_delta else firsts[tail:]
        return LineStarts(new_blocks, new_offsets, new_firsts, self.count + line_delta)


def _newline_starts(data: bytes) -> list[int]:
    """Offsets just after each `\n` of `data`, and 0 (C-level split/accumulate: no per-byte loop)."""
    ends = list(accumulate(map(len, data.split(b"\n"))))
    return [0, *map(add, ends[:-1], range(1, len(ends)))]


def _lone_cr_near(data: bytes, start: int, end: int) -> bool:
    """Whether a `\r` in `data[start:end]` is not followed by `\n` (an edit there can make one lone)."""
    at = data.find(b"\r", start, end)
    while at >= 0:
        if data[at + 1:at + 2] != b"\n":
            return True
        at = data.find(b"\r", at + 1, end)
    return False


class LineIndex:
    """Maps between byte offsets of the UTF-8 encoding and (line, code-point column) positions.

    Built once per document version, or from the previous version's index and the edit between
    them (`edited`); lookups are O(log lines) plus the length of one line.
    """

    def __init__(self, text: str, data: bytes | None = None, starts: LineStarts | None = None) -> None:
        """`data`: the text's UTF-8 encoding when the caller has it; `starts`: its line table (trusted)."""
        self.text = text
        self.data = text.encode("utf-8", "surrogatepass") if data is None else data
        self._ascii = len(self.data) == len(text)
        if starts is not None:
            self._lone_cr = False
            self._starts = self._rows = starts
            return
        self._lone_cr = b"\r" in self.data and _LONE_CR.search(self.data) is not None
        # Tree-sitter rows (at `\n` only); the same table unless a lone `\r` also ends a line.
        self._starts = self._rows = LineStarts.of(_newline_starts(self.data))
        if self._lone_cr:
            self._starts = LineStarts.of([0, *(m.end() for m in _LINE_BREAK_BYTES.finditer(self.data))])

    def edited(self, start: int, old_end: int, inserted: bytes, text: str, data: bytes) -> LineIndex:
        """The index of `text` (`data` its encoding): this index's text with bytes `start`..`old_end`
        replaced by `inserted`. Only the lines the edit touches are re-read; a text with a lone `\r`
        (where lines and tree-sitter rows differ) is indexed afresh."""
        if self._lone_cr or _lone_cr_near(data, max(0, start - 1), start + len(inserted)):
            return LineIndex(text, data)
        found = [start + m.end() for m in re.finditer(b"\n", inserted)]
        return LineIndex(text, data, self._starts.edited(start, old_end, found, len(inserted) - (old_end - start)))

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_bytes(self, line: int) -> bytes:
        starts = self._starts
        start = starts[line]
        end = starts[line + 1] - 1 if line + 1 < len(starts) else len(self.data)
        return self.data[start:end]

    def line_text(self, line: int) -> str:
        return self.line_bytes(line).decode("utf-8", "replace").rstrip("\r")

    def position(self, byte_offset: int) -> Position:
        byte_offset = max(0, min(byte_offset, len(self.data)))
        starts = self._starts
        line = starts.line_of(byte_offset)
        return self._line_position(line, byte_offset - starts[line])

    def point_position(self, row: int, byte_column: int) -> Position:
        """A tree-sitter point (row, byte column) as a code-point position."""
        if self._rows is not self._starts:
            if row >= len(self._rows):
                return self.end()
            return self.position(self._rows[row] + byte_column)
        return self._line_position(row, byte_column)

    def _line_position(self, row: int, byte_column: int) -> Position:
        if self._ascii or row >= len(self._starts):
            return Position(row, byte_column)
        start = self._starts[row]
        prefix = self.data[start:start + byte_column]
        return Position(row, len(prefix.decode("utf-8", "replace")))

    def range(self, start_byte: int, end_byte: int) -> Range:
        return Range(self.position(start_byte), self.position(end_byte))

    def byte_offset(self, pos: Position) -> int:
        """The byte offset of a code-point position (clamped to the line's end)."""
        if pos.line >= len(self._starts):
            return len(self.data)
        start = self._starts[pos.line]
        if self._ascii:
            return min(start + pos.character, self._line_end(pos.line))
        line = self.line_bytes(pos.line).decode("utf-8", "surrogatepass")
        return start + len(line[: pos.character].encode("utf-8", "surrogatepass"))

    def _line_end(self, line: int) -> int:
        if line + 1 < len(self._starts):
            return self._starts[line + 1] - 1
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
