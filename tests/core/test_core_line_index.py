"""An index built from the previous version's and the edit between them answers like one built afresh."""

from __future__ import annotations

import random

import pytest
from drvls.core.diagnostics import Position
from drvls.core.text import LineIndex, LineStarts

PIECES = ["a", "é", "\n", "\r\n", "\r", "😀", "<map mr=\"x\" />", "\n\n\n", ""]


def random_text(rng: random.Random, size: int) -> str:
    return "".join(rng.choice(PIECES) for _ in range(size))


def assert_same(edited: LineIndex, fresh: LineIndex) -> None:
    assert edited.line_count == fresh.line_count
    assert [edited.line_bytes(n) for n in range(fresh.line_count)] == \
        [fresh.line_bytes(n) for n in range(fresh.line_count)]
    for offset in range(len(fresh.data) + 1):
        assert edited.position(offset) == fresh.position(offset), offset
    for line in range(fresh.line_count + 1):
        for column in (0, 1, 3, 50):
            assert edited.byte_offset(Position(line, column)) == fresh.byte_offset(Position(line, column))


@pytest.mark.parametrize("seed", range(12))
def test_edited_index_matches_a_fresh_one(seed: int) -> None:
    rng = random.Random(seed)
    text = random_text(rng, rng.randrange(0, 2000))
    if seed % 3 == 0:
        text = text.replace("\r", "")  # mostly `\n` files, whose tables are edited in place
    index = LineIndex(text)
    for _ in range(25):
        data = index.data
        start = rng.randrange(len(data) + 1)
        end = min(len(data), start + rng.choice((0, 0, 1, 2, 30, 400)))
        while start < len(data) and (data[start] & 0xC0) == 0x80:
            start -= 1  # keep edits on character boundaries
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end += 1
        inserted = random_text(rng, rng.choice((0, 1, 1, 5, 80)))
        if seed % 3 == 0:
            inserted = inserted.replace("\r", "")
        raw = inserted.encode()
        new_data = data[:start] + raw + data[end:]
        text = new_data.decode()
        index = index.edited(start, end, raw, text, new_data)
        assert_same(index, LineIndex(text))


def test_line_starts_blocks_are_shared_and_never_changed() -> None:
    starts = list(range(0, 70 * 2000, 70))
    table = LineStarts.of(starts)
    moved = table.edited(700, 700, [], 5)
    assert table.to_list() == starts
    assert moved.to_list() == [s if s <= 700 else s + 5 for s in starts]
    assert moved._blocks[-1] is table._blocks[-1]


def test_microkit_lazy_index_ends_lines_where_the_full_index_does() -> None:
    """The analyzer's lazy index (counting `\\n` for its first lookups) agrees on a lone `\\r`."""
    from drvls.microkit.snapshot import LazyLineIndex

    text = "<system>\r<x/>\r\n<y/>\n</system>"
    lazy, full = LazyLineIndex(text, text.encode()), LineIndex(text)
    assert [lazy.position(i) for i in range(len(text) + 1)] == [full.position(i) for i in range(len(text) + 1)]
