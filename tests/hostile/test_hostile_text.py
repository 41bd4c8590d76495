"""Lines end where LSP says (a lone CR too), and every analysis has a time and size budget."""

from __future__ import annotations

from pathlib import Path

import pytest
from drvls.core.config import Settings
from drvls.core.diagnostics import Position
from drvls.core.engine import check_source, inline_suppressions
from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile
from drvls.core.text import LineIndex
from drvls.lsp.documents import apply_change
from lsprotocol import types


def test_a_lone_carriage_return_ends_a_line() -> None:
    index = LineIndex("ab\rcd\r\nef\ngh")
    assert index.line_count == 4
    assert index.position(3) == Position(1, 0)
    assert index.byte_offset(Position(2, 1)) == 8
    assert index.line_text(1) == "cd"


def test_tree_sitter_points_still_count_rows_at_line_feeds_only() -> None:
    index = LineIndex("ab\rcd\nef")
    assert index.point_position(0, 4) == Position(1, 1)  # row 0 holds "ab\rcd"
    assert index.point_position(1, 1) == Position(2, 1)


def test_an_edit_after_a_lone_carriage_return_lands_where_the_editor_put_it() -> None:
    change = types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(line=1, character=0), end=types.Position(line=1, character=2)),
        text="XY")
    text, edit = apply_change("ab\rcd\nef", change, "utf-16")
    assert text == "ab\rXY\nef"
    assert edit.start_byte == 3 and edit.start_point == (0, 3)


def test_suppressions_count_lines_as_editors_do() -> None:
    # U+2028 is no line break for LSP: the comment is on line 0, so it covers lines 0 and 1.
    assert set(inline_suppressions("a\u2028<!-- drvls: ignore[MK001] -->\nb")) == {0, 1}


def _context(**values: object) -> AnalysisContext:
    return AnalysisContext(settings=Settings(values=dict(values)), workspace=DiskWorkspace())


@pytest.mark.parametrize("name,text", [
    ("a.system", "<system><protection_domain name='a' priority='1'/></system>\n"),
    ("a.camkes", "component A {}\n"),
])
def test_an_analysis_past_its_budget_gets_one_diagnostic(tmp_path: Path, name: str, text: str) -> None:
    source = SourceFile(path=tmp_path / name, data=text.encode(), text=text)
    found = check_source(source, _context(analysis_timeout=1e-9)).diagnostics
    assert [d.code for d in found] == ["DL006"]


def test_a_flood_of_findings_is_capped_with_a_note(tmp_path: Path) -> None:
    text = "<system><protection_domain " + " ".join(f"a{i}='1'" for i in range(50)) + " /></system>\n"
    source = SourceFile(path=tmp_path / "a.system", data=text.encode(), text=text)
    found = check_source(source, _context(max_diagnostics=10)).diagnostics
    notes = [d for d in found if d.code == "DL007"]
    assert len(found) == 11 and len(notes) == 1 and "more problems" in notes[0].message
