"""The family-neutral part of rename on hand-built indexes: a dotted use changes only its own name, a
range whose text is no longer the name refuses the whole rename, and unknown kinds are not renamed."""

from __future__ import annotations

from pathlib import Path

import pytest
from drvls.camkes.rename import RULES as CAMKES
from drvls.core.diagnostics import Position, Range
from drvls.core.query import Query
from drvls.core.rename import FileEdit, RenameRefused, prepare, rename
from drvls.core.symbols import Reference, Symbol, SymbolIndex, SymbolKind
from drvls.core.text import LineIndex
from drvls.microkit.rename import RULES as MICROKIT

HERE = Path("app.camkes")
TEXT = "provides P foo;\nconnection C x(from a.foo, to b.bar);\n"
KEY = "camkes:interface:Comp.foo"


def query() -> Query:
    definition = Symbol(KEY, "foo", SymbolKind.INTERFACE, Range.at(0, 11, 0, 14), Range.at(0, 0, 0, 15), HERE)
    use = Reference(KEY, "foo", Range.at(1, 20, 1, 25), HERE, SymbolKind.INTERFACE)  # written `a.foo`
    other = Reference("camkes:attribute:Comp.bar", "bar", Range.at(1, 30, 1, 35), HERE)
    return Query(SymbolIndex(path=HERE, definitions=(definition,), references=(use, other)))


def test_a_dotted_use_changes_only_its_last_name() -> None:
    lines = LineIndex(TEXT)
    edits = rename(query(), Position(1, 23), "input", (MICROKIT, CAMKES), lambda path: lines)
    assert edits == [FileEdit(None, Range.at(0, 11, 0, 14), "input"), FileEdit(None, Range.at(1, 22, 1, 25), "input")]


def test_prepare_gives_the_name_not_the_dotted_form() -> None:
    lines = LineIndex(TEXT)
    found = prepare(query(), Position(1, 24), (MICROKIT, CAMKES), lambda path: lines)
    assert found is not None and found.range == Range.at(1, 22, 1, 25) and found.name == "foo"
    assert prepare(query(), Position(1, 20), (MICROKIT, CAMKES), lambda path: lines) is None  # on `a.`


def test_text_that_no_longer_spells_the_name_refuses_everything() -> None:
    changed = LineIndex(TEXT.replace("a.foo", "a.fox"))
    with pytest.raises(RenameRefused, match="is not written as that name"):
        rename(query(), Position(0, 12), "input", (MICROKIT, CAMKES), lambda path: changed)


def test_a_kind_no_family_renames_is_refused() -> None:
    lines = LineIndex(TEXT)
    assert prepare(query(), Position(1, 32), (MICROKIT, CAMKES), lambda path: lines) is None
    with pytest.raises(RenameRefused, match="nothing that can be renamed"):
        rename(query(), Position(1, 32), "baz", (MICROKIT, CAMKES), lambda path: lines)


def test_the_same_name_gives_no_edits() -> None:
    lines = LineIndex(TEXT)
    assert rename(query(), Position(0, 12), "foo", (MICROKIT, CAMKES), lambda path: lines) == []
