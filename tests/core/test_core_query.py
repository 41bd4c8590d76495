"""The query layer over several indexes: an app and the file it imports, in core types only."""

from __future__ import annotations

from pathlib import Path

from drvls.core.diagnostics import Position, Range
from drvls.core.query import Query, fuzzy_score, workspace_symbols
from drvls.core.symbols import Location, OutlineNode, Reference, Symbol, SymbolIndex, SymbolKind

APP, LIB = Path("/p/app.camkes"), Path("/p/lib.camkes")


def r(line: int, start: int, end: int, end_line: int | None = None) -> Range:
    return Range(Position(line, start), Position(line if end_line is None else end_line, end))


COMPONENT = Symbol("camkes:component:Echo", "Echo", SymbolKind.COMPONENT, r(0, 10, 14), r(0, 0, 1, 2), LIB)
LIB_INDEX = SymbolIndex(path=LIB, definitions=(COMPONENT,))
ASSEMBLY = Symbol("camkes:assembly:main", "main", SymbolKind.ASSEMBLY, r(1, 0, 8), r(1, 0, 1, 6), APP)
INSTANCE = Symbol("camkes:instance:main/echo", "echo", SymbolKind.INSTANCE, r(3, 19, 23), r(3, 4, 24), APP,
                  container=ASSEMBLY.key)
USES = (Reference(COMPONENT.key, "Echo", r(3, 14, 18), APP, SymbolKind.COMPONENT),
        Reference(COMPONENT.key, "Echo", r(4, 14, 18), APP, SymbolKind.COMPONENT))
APP_INDEX = SymbolIndex(path=APP, definitions=(ASSEMBLY, INSTANCE), references=USES,
                        outline=(OutlineNode(ASSEMBLY, (OutlineNode(INSTANCE),)),))


def test_definition_is_found_in_the_imported_files_index() -> None:
    query = Query(APP_INDEX, [LIB_INDEX])
    assert query.definition(Position(3, 15)) == [Location(LIB, COMPONENT.range)]
    assert Query(APP_INDEX).definition(Position(3, 15)) == []  # without the import: not known


def test_references_honour_include_declaration_across_files() -> None:
    query = Query(LIB_INDEX, [APP_INDEX])
    uses = [Location(APP, u.range) for u in USES]
    assert query.references(Position(0, 11), include_declaration=False) == uses
    assert query.references(Position(0, 11)) == [Location(LIB, COMPONENT.range), *uses]


def test_highlights_stay_in_the_file() -> None:
    found = Query(APP_INDEX, [LIB_INDEX]).highlights(Position(4, 16))
    assert [(h.range, h.definition) for h in found] == [(USES[0].range, False), (USES[1].range, False)]


def test_selection_ranges_grow_from_the_name_to_the_document() -> None:
    document = r(0, 0, 9, 9)
    [chain] = Query(APP_INDEX).selection_ranges([Position(3, 20)], document)
    assert chain == [INSTANCE.range, INSTANCE.full_range, ASSEMBLY.full_range, document]


def test_folding_ranges_are_the_multi_line_definitions() -> None:
    assert Query(APP_INDEX).folding_ranges() == [ASSEMBLY.full_range]


def test_outline_falls_back_to_the_files_definitions() -> None:
    assert [n.symbol for n in Query(LIB_INDEX).outline()] == [COMPONENT]


def test_workspace_symbols_rank_exact_then_prefix_then_subsequence() -> None:
    names = [s.name for s in workspace_symbols([APP_INDEX, LIB_INDEX], "ech")]
    assert names == ["Echo", "echo"] or names == ["echo", "Echo"]
    assert fuzzy_score("echo", "echo")  > fuzzy_score("ec", "echo") > fuzzy_score("eo", "echo")  # type: ignore[operator]
    assert fuzzy_score("xz", "echo") is None
    assert [s.name for s in workspace_symbols([APP_INDEX, LIB_INDEX], "main")] == ["main"]
