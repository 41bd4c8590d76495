"""The hover core in-process: sizes in human units, tables, which diagnostics a position holds, and the
Microkit element finder on a real file's model."""

from __future__ import annotations

from pathlib import Path

import pytest
from drvls.core.config import Settings
from drvls.core.diagnostics import Diagnostic, Position, Range, Severity
from drvls.core.engine import check_source
from drvls.core.hover import diagnostics_at, explain, hover, human_size, table
from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile
from drvls.core.query import Query


@pytest.mark.parametrize(("size", "text"), [
    (0, "0 B"), (512, "512 B"), (0x1000, "4 KiB"), (0x1800, "6 KiB"), (0x200000, "2 MiB"), (1 << 30, "1 GiB"),
    (0x1001, "4.00 KiB"), (3 << 40, "3 TiB"),
])
def test_human_size(size: int, text: str) -> None:
    assert human_size(size) == text


def test_table_escapes_bars_and_is_empty_without_rows() -> None:
    assert table(("a", "b"), []) == []
    assert table(("a", "b"), [("x|y", "z")]) == ["| a | b |", "|---|---|", "| x\\|y | z |"]


def _diagnostic(code: str, start: tuple[int, int], end: tuple[int, int]) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, "m", Range(Position(*start), Position(*end)))


def test_diagnostics_at_gives_the_innermost_first_once_per_code() -> None:
    outer, inner = _diagnostic("MK021", (1, 0), (1, 40)), _diagnostic("MK110", (1, 10), (1, 14))
    again = _diagnostic("MK110", (1, 12), (1, 13))
    assert diagnostics_at([outer, inner, again], Position(1, 12)) == [again, outer]
    assert diagnostics_at([outer, inner], Position(2, 0)) == []


def test_explain_uses_the_rule_registry() -> None:
    text = explain(_diagnostic("MK021", (0, 0), (0, 1)))
    assert text.startswith("**MK021** `budget-exceeds-period` (Microkit; error)\n\nBudget greater than period.")
    assert "`drvls rules MK021`" in text
    assert explain(_diagnostic("ZZ999", (0, 0), (0, 1))) == "**ZZ999**: m"


SYSTEM = """<system>
    <memory_region name="ring" size="0x20_0000" page_size="0x20_0000" />
    <protection_domain name="a" priority="9" budget="700" period="300">
        <map mr="ring" vaddr="0x4000_0000" perms="r" />
    </protection_domain>
</system>
"""


def _hover(text: str, needle: str, offset: int) -> str | None:
    path = Path("unit.system")
    source = SourceFile(path, text.encode(), text)
    analysis = check_source(source, AnalysisContext(settings=Settings(), workspace=DiskWorkspace()))
    before = text[: text.index(needle) + offset]
    pos = Position(before.count("\n"), len(before) - before.rfind("\n") - 1)
    found = hover("microkit", analysis, Query(analysis.symbols), pos)
    return found.markdown if found is not None else None


def test_a_large_page_region_counts_large_pages() -> None:
    shown = _hover(SYSTEM, 'name="ring"', 7)
    assert shown is not None and "2 MiB (`0x200000`), 1 page of 2 MiB" in shown and "(the default)" not in shown
    assert "| PD `a` | `0x40000000` | `0x40200000` | r | true |" in shown


def test_a_pd_with_a_budget_over_its_period_shows_both_and_the_error() -> None:
    shown = _hover(SYSTEM, 'budget="700"', 9)
    assert shown is not None
    assert "budget / period: 700 µs / 300 µs" in shown and "**MK021**" in shown


def test_outside_any_element_there_is_no_hover() -> None:
    assert _hover(SYSTEM, "<system>", 2) is None
    assert _hover(SYSTEM, "    <protection", 1) is None


BROKEN = {
    "broken.system": SYSTEM.replace('perms="r" />', 'perms="r"').replace("</system>", "<channel><end pd=\"a\" id="),
    "broken.camkes": "import \"nowhere.camkes\";\ncomponent C { uses P p; provides\nassembly { composition { "
                     "component C c; connection seL4RPCCall x(from c.p, to d.q); }",
    "CLAUDE.md": "# A\n- rule [x](#nowhere)\n## \n- ",
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_hover_anywhere_in_a_broken_file_answers_or_says_nothing(name: str, tmp_path: Path) -> None:
    from drvls.core.languages import analyzer_for

    text = BROKEN[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    analyzer = analyzer_for(path)
    assert analyzer is not None
    analysis = check_source(SourceFile(path, text.encode(), text),
                            AnalysisContext(settings=Settings(), workspace=DiskWorkspace()))
    query = Query(analysis.symbols)
    answered = 0
    for line, content in enumerate(text.split("\n")):
        for column in range(len(content) + 1):
            found = hover(analyzer.name, analysis, query, Position(line, column))
            if found is not None:
                answered += 1
                assert found.markdown and found.range.start <= found.range.end
    assert answered > 0


IDL = "procedure Store {\n    int put(in int key, in string value);\n    void clear(void);\n};\n"
APP = """import "store.idl4";
component Cache {
    provides Store s;
    attribute int capacity = 64;
    dataport Buf shm;
}
assembly {
    composition {
        component Cache c;
    }
}
"""


def test_a_camkes_component_shows_interfaces_and_attributes_declared_across_an_import(tmp_path: Path) -> None:
    (tmp_path / "store.idl4").write_text(IDL, encoding="utf-8")
    path = tmp_path / "app.camkes"
    path.write_text(APP, encoding="utf-8")
    analysis = check_source(SourceFile(path, APP.encode(), APP),
                            AnalysisContext(settings=Settings(), workspace=DiskWorkspace([tmp_path])))
    query = Query(analysis.symbols)

    def at(needle: str, offset: int) -> str:
        before = APP[: APP.index(needle) + offset]
        found = hover("camkes", analysis, query, Position(before.count("\n"), len(before) - before.rfind("\n") - 1))
        assert found is not None, needle
        return found.markdown

    component = at("component Cache {", 11)
    assert "| provides | `Store` | `s` |" in component and "| dataport | `Buf` | `shm` |" in component
    assert "Attributes: `int capacity`" in component
    assert at("attribute int capacity", 15) == "**attribute** `int capacity` = `64`"
    procedure = at("provides Store s", 10)
    assert "**procedure** `Store`: 2 methods" in procedure
    assert "int put(in int key, in string value);" in procedure and "Declared in `store.idl4` line 1" in procedure
