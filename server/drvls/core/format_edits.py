"""Formatting as edits: the few small edits that turn a text into its formatted text, and positions
carried through them.

An editor applies a formatter's answer as edits, so replacing the whole document would move the
cursor, the folds and the undo history for one changed indent. The texts are diffed by lines;
within a changed stretch, when only white space differs (all the formatters ever change) each
differing run of white space is its own edit, so every token keeps an exact image in the formatted
text. That image is what `OffsetMap` gives: the place of an original position after the edits,
which is how a diagnostic of the original is compared with one of the formatted file. An editor's
answer may be bounded: past that many changed lines, each edit takes a few neighbouring lines.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import accumulate, pairwise
from typing import NamedTuple

from drvls.core.diagnostics import Position, Range

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_BREAK = re.compile(r"\r\n|\r|\n")
_SPACE = re.compile(r"(\s+)")


class Edit(NamedTuple):
    """Replace `old[start:end]` (code-point offsets into the original text) with `text`; a tuple,
    as a whole-file change makes one per line."""

    start: int
    end: int
    text: str


def lines_of(text: str) -> list[str]:
    """The lines with their line breaks (`\\n`, `\\r\\n`, a lone `\\r`), as an editor counts them."""
    return _LINE.findall(text)


def edits_between(old: str, new: str, most: int | None = None) -> list[Edit]:
    """Non-overlapping edits, in order, that turn `old` into `new` (none when they are equal).

    With `most`, a text in which more than `most` lines change (a whole file re-indented: tens of
    thousands of white-space edits) gets at most `most` edits instead, each a few neighbouring
    changed lines (`_line_group_edits`): an editor parses a thousand edits in milliseconds, twenty
    thousand in a pause the user sees, and building them cost the server as much again."""
    if old == new:
        return []
    a, b = lines_of(old), lines_of(new)
    meetings = _meetings(a, b) if a and b else None
    edits = None
    if meetings is not None:
        if most is not None:
            edits = _line_group_edits(a, b, meetings, most)
        if edits is None:
            edits = _stretch_edits(a, b, meetings)
    elif not a or not b:
        edits = _gap_edits(old, new)
    if edits is None:
        edits = _line_edits(a, b)
    return [_whole_breaks(old, edit) for edit in edits] if "\r" in old else edits


def _solid_starts(lines: list[str]) -> list[int]:
    """How many non-blank characters come before each line (and after the last)."""
    return [0, *accumulate(len("".join(line.split())) for line in lines)]


def _meetings(a: list[str], b: list[str]) -> list[tuple[int, int]] | None:
    """The pairs (line of `old`, line of `new`) where both texts' lines start after the same number of
    non-blank characters, from (0, 0) to (len(a), len(b)): where the texts meet again, so between two
    of them both sides hold the same non-blank characters. None when the counts differ overall."""
    solid_a, solid_b = _solid_starts(a), _solid_starts(b)
    if solid_a[-1] != solid_b[-1]:
        return None
    meetings = [(0, 0)]
    j = 0
    for i in range(1, len(a) + 1):
        while j < len(b) and solid_b[j] < solid_a[i]:
            j += 1
        if i == len(a):
            meetings.append((i, len(b)))
        elif solid_b[j] == solid_a[i]:
            meetings.append((i, j))
    return meetings


def _stretch_edits(a: list[str], b: list[str], meetings: list[tuple[int, int]]) -> list[Edit] | None:
    """Edits of the stretches of lines that differ, each diffed on its own between two places where
    the texts meet (a formatted file that changed in a few places costs little more than comparing
    its lines). None when a stretch differs in more than white space and a few replaced characters."""
    starts = [0, *accumulate(map(len, a))]
    edits: list[Edit] = []
    pending: tuple[int, int] | None = None  # where the current changed stretch began (old, new line)
    for (i0, j0), (i, j) in pairwise(meetings):
        if a[i0:i] != b[j0:j] and pending is None:
            pending = (i0, j0)
        if pending is not None and (i == len(a) or a[i:i + 1] == b[j:j + 1]):
            found = _gap_edits("".join(a[pending[0]:i]), "".join(b[pending[1]:j]), starts[pending[0]])
            if found is None:
                return None
            edits.extend(found)
            pending = None
    return edits


def _line_group_edits(a: list[str], b: list[str], meetings: list[tuple[int, int]], most: int) -> list[Edit] | None:
    """At most `most` edits when more than `most` lines change, else None: the changed places between
    meetings, taken in groups of equal size, each group one edit from where its lines first differ
    to where they last do (so it keeps the lines around it, and its own unchanged start and end)."""
    changed = [(m, n) for m, n in pairwise(meetings) if a[m[0]:n[0]] != b[m[1]:n[1]]]
    if sum(max(n[0] - m[0], n[1] - m[1]) for m, n in changed) <= most:
        return None
    starts = [0, *accumulate(map(len, a))]
    size = -(-len(changed) // most)
    edits: list[Edit] = []
    for first in range(0, len(changed), size):
        (i0, j0), (i, j) = changed[first][0], changed[min(first + size, len(changed)) - 1][1]
        edits.extend(_trimmed("".join(a[i0:i]), "".join(b[j0:j]), starts[i0]))
    return edits


@dataclass(frozen=True)
class _Runs:
    """A text split at white space: the non-blank characters, and each white-space run with its
    offset among the non-blank characters (`keys`, strictly increasing) and in the text (`at`)."""

    solid: str
    keys: list[int]
    runs: list[str]
    at: list[int]

    @staticmethod
    def of(text: str) -> _Runs:
        parts = _SPACE.split(text)
        solids = parts[::2]
        ends = list(accumulate(map(len, parts)))
        return _Runs("".join(solids), list(accumulate(map(len, solids[:-1]))), parts[1::2], ends[::2][:-1])

    def place(self, key: int) -> int:
        """The text offset of the non-blank character at `key` (after the run keyed `key`, if any)."""
        index = bisect_right(self.keys, key)
        return key + (self.at[index - 1] + len(self.runs[index - 1]) - self.keys[index - 1] if index else 0)


def _gap_edits(old: str, new: str, base: int = 0) -> list[Edit] | None:
    """Edits when the texts have the same non-blank characters but for a few replaced ones (quotes):
    each differing white-space run and each differing character is its own edit, at offsets from
    `base`. None otherwise."""
    was, now = _Runs.of(old), _Runs.of(new)
    if len(was.solid) != len(now.solid):
        return None
    edits: list[Edit] = []
    if was.keys == now.keys:
        for index in [i for i, pair in enumerate(zip(was.runs, now.runs, strict=True)) if pair[0] != pair[1]]:
            edits.extend(_run_edits(was.runs[index], now.runs[index], base + was.at[index]))
    else:
        old_index = dict(zip(was.keys, range(len(was.keys)), strict=True))
        new_index = dict(zip(now.keys, range(len(now.keys)), strict=True))
        for key in sorted(old_index.keys() | new_index.keys()):
            i, j = old_index.get(key), new_index.get(key)
            before = was.runs[i] if i is not None else ""
            after = now.runs[j] if j is not None else ""
            if before != after:
                at = was.at[i] if i is not None else was.place(key)
                edits.extend(_run_edits(before, after, base + at))
    if was.solid != now.solid:
        edits.extend(_character_edits(was, now.solid, base))
        edits.sort()
    return edits


def _run_edits(old: str, new: str, base: int) -> list[Edit]:
    """Edits of one white-space run. A run over line breaks changes in up to three places, each on
    its own line: white space ending a line, the blank lines, the next line's indent (so range
    formatting can take one line's indent without its neighbour's)."""
    if new.startswith(old) or old.startswith(new):  # the usual re-indent, on one line
        return _trimmed(old, new, base)
    old_parts, new_parts = _line_parts(old), _line_parts(new)
    if old_parts is None or new_parts is None:
        return _trimmed(old, new, base)
    out: list[Edit] = []
    for was, now in zip(old_parts, new_parts, strict=True):
        if was != now:
            out.extend(_trimmed(was, now, base))
        base += len(was)
    return out


def _line_parts(run: str) -> tuple[str, str, str] | None:
    """White space before the first line break, the breaks (and blank lines), the indent after the
    last; None for a run without a line break."""
    last = max(run.rfind("\n"), run.rfind("\r"))
    if last < 0:
        return None
    first = min(i for i in (run.find("\n"), run.find("\r")) if i >= 0)
    return run[:first], run[first:last + 1], run[last + 1:]


def _character_edits(was: _Runs, new_solid: str, base: int) -> list[Edit]:
    """One edit per non-blank character that differs, at its place in the old text."""
    out: list[Edit] = []
    step = 256
    for chunk in range(0, len(was.solid), step):
        if was.solid[chunk:chunk + step] == new_solid[chunk:chunk + step]:
            continue
        for k in range(chunk, min(chunk + step, len(was.solid))):
            if was.solid[k] != new_solid[k]:
                at = base + was.place(k)
                out.append(Edit(at, at + 1, new_solid[k]))
    return out


def _line_edits(a: list[str], b: list[str]) -> list[Edit]:
    """Edits from a diff of the lines, for texts whose non-blank characters differ in number."""
    starts = [0, *accumulate(map(len, a))]
    edits: list[Edit] = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                edits.extend(_trimmed(a[i1 + k], b[j1 + k], starts[i1 + k]))
        else:
            edits.extend(_trimmed("".join(a[i1:i2]), "".join(b[j1:j2]), starts[i1]))
    return edits


def _trimmed(old: str, new: str, base: int) -> list[Edit]:
    """One edit replacing what lies between the common start and the common end of `old` and `new`."""
    if new.startswith(old):  # the usual re-indent: more white space before a token
        return [Edit(base + len(old), base + len(old), new[len(old):])]
    if old.startswith(new):
        return [Edit(base + len(new), base + len(old), "")]
    limit = min(len(old), len(new))
    head = 0
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[len(old) - 1 - tail] == new[len(new) - 1 - tail]:
        tail += 1
    if head == len(old) == len(new):
        return []
    return [Edit(base + head, base + len(old) - tail, new[head:len(new) - tail])]


def _whole_breaks(old: str, edit: Edit) -> Edit:
    """Never start or end an edit between the `\\r` and the `\\n` of a line break: an editor cannot
    address that place (it is past the end of the line's text)."""
    start, end, text = edit.start, edit.end, edit.text
    if 0 < start < len(old) and old[start - 1] == "\r" and old[start] == "\n":
        start, text = start - 1, "\r" + text
    if 0 < end < len(old) and old[end - 1] == "\r" and old[end] == "\n":
        end, text = end + 1, text + "\n"
    return Edit(start, end, text)


def apply_edits(text: str, edits: list[Edit]) -> str:
    """`text` with non-overlapping `edits` applied."""
    out: list[str] = []
    at = 0
    for edit in sorted(edits):
        out.append(text[at:edit.start])
        out.append(edit.text)
        at = edit.end
    out.append(text[at:])
    return "".join(out)


class Lines:
    """Code-point offsets ⇄ (line, column) positions of one text, lines broken as an editor does."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(m.end() for m in _BREAK.finditer(text))]

    def position(self, offset: int) -> Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        return Position(line, offset - self.starts[line])

    def offset(self, pos: Position) -> int:
        """The offset of a position; a column past the line's text means the line's end."""
        if pos.line >= len(self.starts):
            return len(self.text)
        start = self.starts[pos.line]
        end = self.starts[pos.line + 1] if pos.line + 1 < len(self.starts) else len(self.text)
        content_end = start + len(self.text[start:end].rstrip("\r\n"))
        return min(start + max(pos.character, 0), content_end)

    def range(self, start: int, end: int) -> Range:
        return Range(self.position(start), self.position(end))

    def line_span(self, first: int, last: int) -> tuple[int, int]:
        """From the start of line `first` to the start of the line after `last` (or the text's end)."""
        first = max(0, min(first, len(self.starts) - 1))
        end = self.starts[last + 1] if last + 1 < len(self.starts) else len(self.text)
        return self.starts[first], end


class OffsetMap:
    """Where an offset of the original text is after the edits. An offset inside a replaced span
    goes to the same distance into its replacement (clamped); at an insertion, a start goes after
    the inserted text and an end before it, so a range keeps covering the same tokens."""

    def __init__(self, edits: list[Edit]) -> None:
        self.edits = sorted(edits)
        self._starts = [edit.start for edit in self.edits]
        self._shift = [0, *accumulate(len(e.text) - (e.end - e.start) for e in self.edits)]

    def offset(self, offset: int, *, after_insertions: bool = True) -> int:
        index = bisect_right(self._starts, offset)  # edits that start at or before `offset`
        if index:
            edit, before = self.edits[index - 1], self._shift[index - 1]
            if edit.start == offset and (edit.end > offset or not after_insertions):
                return offset + before
            if offset < edit.end:
                return edit.start + before + min(offset - edit.start, len(edit.text))
        return offset + self._shift[index]

    def range(self, rng: Range, old: Lines, new: Lines) -> Range:
        """A range of the original text, as a range of the formatted text."""
        start = self.offset(old.offset(rng.start))
        end = self.offset(old.offset(rng.end), after_insertions=False)
        return new.range(start, max(start, end))


def edits_in_lines(edits: list[Edit], lines: Lines, first: int, last: int) -> list[Edit]:
    """The edits that touch lines `first`..`last` of the original text (range formatting)."""
    low, high = lines.line_span(first, last)
    return [edit for edit in edits if edit.start < high and (edit.end > low or edit.start >= low)]
