"""Formatting as edits (`core/format_edits`): small edits that rebuild the formatted text, positions
carried through them, and the edits of a range of lines."""

from __future__ import annotations

import random
import sys
from itertools import pairwise
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO / "server") not in sys.path:
    sys.path.insert(0, str(REPO / "server"))

from drvls.core.config import Settings  # noqa: E402
from drvls.core.diagnostics import Position  # noqa: E402
from drvls.core.format_edits import (  # noqa: E402
    Edit,
    Lines,
    OffsetMap,
    apply_edits,
    edits_between,
    edits_in_lines,
)
from drvls.core.formatting import with_editor_options  # noqa: E402


@pytest.mark.parametrize(("old", "new"), [
    ("a\n  b\n", "a\n    b\n"),
    ("a\r\n  b\r\n", "a\n    b\n"),
    ("a\rb", "a\r    b"),
    ("x  y", "x y"),
    ("<a x='1'/>", '<a x="1" />'),
    ("<a\n  x='1'\n  y=\"2\"/>\n", '<a x="1" y="2" />\n'),
    ("<a x=\"1\" y=\"2\" />", '<a\n    x="1"\n    y="2" />'),
    ("a\n\n\n\n  b", "a\n\n    b"),
    ("a  \n\n\n  b  \n", "a\n\n    b\n"),
    ("", "\n"),
    ("abc", "abd"),
    ("one two", "one\ttwo three"),  # not only white space: the line diff
    ("same", "same"),
])
def test_the_edits_rebuild_the_formatted_text(old: str, new: str) -> None:
    edits = edits_between(old, new)
    assert apply_edits(old, edits) == new
    assert edits == sorted(edits)
    assert all(a.end <= b.start for a, b in pairwise(edits))
    assert (old == new) == (not edits)


def test_a_re_indent_is_one_insertion_per_line_not_a_whole_document() -> None:
    old = "".join(f"  <e n=\"{i}\" />\n" for i in range(100))
    new = old.replace("  <", "    <")
    edits = edits_between(old, new)
    tags = [old.index(f'<e n="{i}"') for i in range(100)]
    assert edits == [Edit(at, at, "  ") for at in tags]


def test_an_edit_never_splits_a_crlf() -> None:
    old, new = "a  \r\nb", "a\nb"
    for edit in edits_between(old, new):
        for at in (edit.start, edit.end):
            assert not (0 < at < len(old) and old[at - 1] == "\r" and old[at] == "\n")


def test_offsets_map_to_the_same_tokens() -> None:
    old = "<a  x='1'/>\n  <b/>\n"
    new = '<a x="1" />\n    <b />\n'
    edits = edits_between(old, new)
    mapping, before, after = OffsetMap(edits), Lines(old), Lines(new)
    for token, image in (("x=", "x="), ("<b", "<b"), ("'1'", '"1"'), ("/>\n  <b", "/>\n    <b")):
        start = old.index(token)
        rng = mapping.range(before.range(start, start + len(token)), before, after)
        assert new[after.offset(rng.start):after.offset(rng.end)] == image, token


def test_an_empty_range_at_an_insertion_stays_empty() -> None:
    old, new = "a\nb", "a\n  b"
    mapping, before, after = OffsetMap(edits_between(old, new)), Lines(old), Lines(new)
    at = before.range(2, 2)
    rng = mapping.range(at, before, after)
    assert rng.start == rng.end


def test_lines_count_as_an_editor_counts_them() -> None:
    lines = Lines("a\r\nb\rc\nd")
    assert [lines.position(i) for i in (0, 3, 5, 7)] == [Position(0, 0), Position(1, 0), Position(2, 0),
                                                          Position(3, 0)]
    assert lines.offset(Position(0, 99)) == 1  # past the line's text: its end, before the break
    assert lines.offset(Position(9, 0)) == len("a\r\nb\rc\nd")


def test_the_edits_of_a_range_of_lines() -> None:
    old = "a {\nb;\nc;\nd;\n}\n"
    new = "a {\n    b;\n    c;\n    d;\n}\n"
    edits = edits_between(old, new)
    lines = Lines(old)
    assert [lines.position(e.start).line for e in edits_in_lines(edits, lines, 2, 2)] == [2]
    assert [lines.position(e.start).line for e in edits_in_lines(edits, lines, 1, 3)] == [1, 2, 3]
    assert edits_in_lines(edits, lines, 4, 4) == []


def test_the_editors_indent_counts_only_when_the_settings_set_none() -> None:
    plain = with_editor_options(Settings(), 2, False).section("format")
    assert plain == {"indent_width": 2, "indent_style": "tabs"}
    styled = Settings({"format": {"indent_width": 3}}, origins={"format.indent_width": "drvls.toml"})
    assert with_editor_options(styled, 8, False) is styled


@pytest.mark.parametrize("seed", range(40))
def test_white_space_changed_anywhere_is_undone_by_the_edits(seed: int) -> None:
    """Random changes of white space (indents, blank lines, line breaks, CRLF, quotes) over a text of
    many lines: the edits rebuild the original exactly, stretch by stretch."""
    rng = random.Random(seed)
    lines = [f"{' ' * rng.choice((0, 2, 4, 8))}<e n=\"{i}\" v='{rng.randint(0, 9)}' />" for i in range(300)]
    original = "\n".join(lines) + "\n"
    changed: list[str] = []
    for line in lines:
        roll = rng.random()
        if roll < 0.1:
            line = "  " + line
        elif roll < 0.15:
            line = line.replace(" v=", "\n   v=")
        elif roll < 0.2:
            changed.append("")
        elif roll < 0.23:
            line = line.replace("'", '"')
        elif roll < 0.25:
            line += "\r"
        changed.append(line)
    text = "\n".join(changed) + "\n"
    for old, new in ((text, original), (original, text)):
        edits = edits_between(old, new)
        assert apply_edits(old, edits) == new
        assert all(a.end <= b.start for a, b in pairwise(edits))


@pytest.mark.parametrize("seed", range(20))
def test_with_a_bound_many_changed_lines_give_at_most_that_many_edits(seed: int) -> None:
    """More than `most` lines changed (re-indents, blank lines, quotes, CRLF): at most `most` edits,
    in order, that still rebuild the formatted text; each keeps the unchanged start and end of its lines."""
    rng = random.Random(seed)
    lines = [f"{' ' * rng.choice((2, 4))}<e n=\"{i}\" v='{rng.randint(0, 9)}' />" for i in range(400)]
    text = "\n".join(lines) + "\n"
    formatted = "\n".join(line.replace("'", '"').replace("  <", "    <") + ("\r" if i % 7 == 0 else "")
                          for i, line in enumerate(lines)) + "\n\n"
    for old, new in ((text, formatted), (formatted, text)):
        fine = edits_between(old, new)
        most = rng.randint(5, 150)
        assert len(fine) > most  # the bound is what makes the difference
        edits = edits_between(old, new, most)
        assert apply_edits(old, edits) == new
        assert 0 < len(edits) <= most
        assert all(a.end <= b.start for a, b in pairwise(edits))
        assert all(old[e.start:e.end] != e.text for e in edits)
        assert not any(old[at - 1:at + 1] == "\r\n" for e in edits for at in (e.start, e.end))  # CRLF kept whole


def test_with_a_bound_few_changed_lines_keep_the_fine_edits() -> None:
    old = "".join(f"  <e n=\"{i}\" />\n" for i in range(100))
    new = old.replace("  <", "    <", 30)
    assert edits_between(old, new, 30) == edits_between(old, new)
    assert len(edits_between(old, new, 29)) <= 29
