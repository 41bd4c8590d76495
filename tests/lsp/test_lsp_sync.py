"""Incremental sync: LSP content changes → new text and tree-sitter edits, in every position encoding.

The edits are checked the strict way: a tree-sitter tree edited with them and re-parsed must
equal a fresh parse of the new text.
"""

from __future__ import annotations

import tree_sitter_xml
from drvls.core import diagnostics as core
from drvls.lsp import convert
from drvls.lsp.documents import apply_change
from hypothesis import given, settings
from hypothesis import strategies as st
from lsp_support import units
from lsprotocol import types
from tree_sitter import Language, Parser, Point, Tree

XML = Parser(Language(tree_sitter_xml.language_xml()))
ENCODINGS = ("utf-8", "utf-16", "utf-32")

TEXT = st.lists(st.sampled_from([*"<a b='1'/>\n \t", "é", "😀", "ü", "\r\n"]), max_size=40).map("".join)


def lsp_position(text: str, offset: int, encoding: str) -> types.Position:
    """Reference conversion: a code-point offset as an LSP position (lines split on `\\n` only)."""
    before = text[:offset]
    line = before.count("\n")
    column_text = before[before.rfind("\n") + 1:]
    return types.Position(line=line, character=units(column_text, encoding))


def reparse(old_text: str, tree: Tree, edits: list[types.TextDocumentContentChangePartial],
            encoding: str) -> tuple[str, Tree]:
    text = old_text
    for change in edits:
        text, edit = apply_change(text, change, encoding)
        tree.edit(start_byte=edit.start_byte, old_end_byte=edit.old_end_byte, new_end_byte=edit.new_end_byte,
                  start_point=Point(*edit.start_point), old_end_point=Point(*edit.old_end_point),
                  new_end_point=Point(*edit.new_end_point))
        tree = XML.parse(text.encode("utf-8"), tree)
    return text, tree


def _not_inside_crlf(text: str, offset: int) -> int:
    """LSP positions never fall between `\r` and `\n`."""
    return offset - 1 if text[offset - 1:offset + 1] == "\r\n" else offset


@st.composite
def edit_scripts(draw: st.DrawFn) -> tuple[str, list[tuple[int, int, str]]]:
    text = draw(TEXT)
    script = []
    current = text
    for _ in range(draw(st.integers(1, 4))):
        a = _not_inside_crlf(current, draw(st.integers(0, len(current))))
        b = _not_inside_crlf(current, draw(st.integers(a, len(current))))
        new = draw(TEXT)
        script.append((a, b, new))
        current = current[:a] + new + current[b:]
    return text, script


@settings(max_examples=150, deadline=None)
@given(edit_scripts(), st.sampled_from(ENCODINGS))
def test_incremental_edits_match_a_fresh_parse(case: tuple[str, list[tuple[int, int, str]]], encoding: str) -> None:
    text, script = case
    tree = XML.parse(text.encode("utf-8"))
    expected = text
    changes = []
    for a, b, new in script:
        changes.append(types.TextDocumentContentChangePartial(
            range=types.Range(start=lsp_position(expected, a, encoding), end=lsp_position(expected, b, encoding)),
            text=new))
        expected = expected[:a] + new + expected[b:]
    got, edited = reparse(text, tree, changes, encoding)
    assert got == expected
    fresh = XML.parse(expected.encode("utf-8"))
    assert str(edited.root_node) == str(fresh.root_node)
    assert edited.root_node.end_byte == fresh.root_node.end_byte
    assert edited.root_node.end_point == fresh.root_node.end_point


def test_whole_document_change_replaces_everything() -> None:
    text, edit = apply_change("<a>é</a>\n", types.TextDocumentContentChangeWholeDocument(text="<b/>"), "utf-16")
    assert text == "<b/>"
    assert (edit.start_byte, edit.old_end_byte, edit.new_end_byte) == (0, 10, 4)
    assert (edit.start_point, edit.old_end_point, edit.new_end_point) == ((0, 0), (1, 0), (0, 4))


def test_multi_line_insert_points() -> None:
    text, edit = apply_change("ab\ncd", types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(line=1, character=1), end=types.Position(line=1, character=1)),
        text="X\nYé"), "utf-16")
    assert text == "ab\ncX\nYéd"
    assert edit.start_point == (1, 1)
    assert edit.new_end_point == (2, 3)  # "Yé" is three bytes
    assert (edit.start_byte, edit.old_end_byte, edit.new_end_byte) == (4, 4, 9)


@given(st.text(max_size=30), st.sampled_from(ENCODINGS), st.data())
def test_columns_round_trip(line: str, encoding: str, data: st.DataObject) -> None:
    line = line.replace("\n", "").replace("\r", "")
    column = data.draw(st.integers(0, len(line)))
    client = convert.to_client_column(line, column, encoding)
    assert client == units(line[:column], encoding)
    assert convert.from_client_column(line, client, encoding) == column


def test_positions_beyond_the_text_are_clamped() -> None:
    mapper = convert.PositionMapper("ab\n😀x", "utf-16")
    assert mapper.core_position(types.Position(line=1, character=99)) == core.Position(1, 2)
    assert mapper.position(core.Position(1, 2)) == types.Position(line=1, character=3)
    assert mapper.position(core.Position(7, 3)) == types.Position(line=7, character=3)


def test_a_position_past_a_crlf_line_end_stays_before_the_cr() -> None:
    text, edit = apply_change("ab\r\ncd", types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(line=0, character=9), end=types.Position(line=0, character=9)),
        text="X"), "utf-16")
    assert text == "abX\r\ncd"
    assert edit.start_point == (0, 2)
