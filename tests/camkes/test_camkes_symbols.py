"""The CAmkES symbol index (core/symbols.py) on real corpus files: definitions, references, outline, links."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from camkes_helpers import camkes_corpus, write
from camkes_verdicts import entries, settings_for
from drvls.camkes.index import CamkesModel
from drvls.core.config import Settings
from drvls.core.diagnostics import Position, Range
from drvls.core.engine import check_path
from drvls.core.languages import Analysis, AnalysisContext, DiskWorkspace
from drvls.core.symbols import SymbolKind

MACROS = re.compile(r"^\s*#\s*(include|define)", re.M)
MULTI = "seL4__camkes/apps/multiassembly/multiassembly.camkes"


def analyse(rel: str) -> Analysis:
    corpus = camkes_corpus()
    entry = next(e for e in entries() if e["path"] == rel)
    ctx = AnalysisContext(settings=settings_for(entry), workspace=DiskWorkspace([corpus / rel.split("/")[0]]))
    return check_path(corpus / rel, ctx)


def text_at(path: Path, range_: Range) -> str:
    line = path.read_text(encoding="utf-8").split("\n")[range_.start.line]
    return line[range_.start.character:range_.end.character]


# (1-based line, word on it, the key it means, the file that defines it, relative to the app's folder)
POSITIONS = [
    (16, "Client", "camkes:component:Client", "components/Client/Client.camkes"),
    (19, "seL4RPCCall", "camkes:connector:seL4RPCCall", None),
    (19, "c", "camkes:instance:/c", "multiassembly.camkes"),
    (19, "o", "camkes:interface:Client.o", "components/Client/Client.camkes"),
    (19, "a", "camkes:instance:/a", "multiassembly.camkes"),
    (31, "uc", "camkes:instance:/uc", "multiassembly.camkes"),
    (31, "i", "camkes:interface:Reverse.i", "components/Reverse/Reverse.camkes"),
]


@pytest.mark.parametrize(("line", "word", "key", "defined_in"), POSITIONS)
def test_definition_at_position_across_imports(line: int, word: str, key: str, defined_in: str | None) -> None:
    analysis = analyse(MULTI)
    path = camkes_corpus() / MULTI
    source = path.read_text(encoding="utf-8").split("\n")[line - 1]
    column = [m.start() for m in re.finditer(rf"\b{re.escape(word)}\b", source)][-1]
    found = analysis.symbols.at(Position(line - 1, column))
    assert found is not None and found.key == key and found.name == word
    targets = analysis.symbols.definition(Position(line - 1, column))
    if defined_in is None:  # a standard connector: found only when std_connector.camkes is on the import path
        return
    assert targets, key
    target = targets[0]
    assert target.path == (path.parent / defined_in).resolve()
    assert text_at(target.path, target.range) == word


def test_references_to_an_instance_are_every_use_in_the_app() -> None:
    index = analyse(MULTI).symbols
    uses = index.references_to("camkes:instance:/a", include_declaration=False)
    assert sorted(u.range.start.line + 1 for u in uses) == [19, 30, 34]  # two connection ends, one setting
    assert len(index.references_to("camkes:instance:/a")) == 4


def test_outline_nests_assembly_composition_instances_and_connections() -> None:
    outline = analyse(MULTI).symbols.outline
    assert [n.symbol.kind for n in outline] == [SymbolKind.ASSEMBLY, SymbolKind.ASSEMBLY]
    first = outline[0].children[0]
    assert first.symbol.kind is SymbolKind.COMPOSITION
    assert [c.symbol.name for c in first.children] == ["c", "s", "client_external", "server_external"]


def test_links_are_the_import_paths_and_the_model_is_typed() -> None:
    analysis = analyse(MULTI)
    targets = {link.target.name for link in analysis.symbols.links}
    assert {"Client.camkes", "Server.camkes", "Append.camkes"} <= targets
    assert isinstance(analysis.model, CamkesModel)
    assert analysis.symbols.folds


@pytest.mark.parametrize("rel", [e["path"] for e in entries()
                                 if e["accepted"] and e["settings"]["mode"] == "full"][:40])
def test_every_name_in_the_index_slices_its_file_to_itself(rel: str) -> None:
    index = analyse(rel).symbols
    for item in (*index.definitions, *index.references):
        if item.path is None or not item.path.is_file() or item.range.start.line != item.range.end.line:
            continue
        written = text_at(item.path, item.range)
        if MACROS.search(item.path.read_text(encoding="utf-8")):
            continue  # names a macro made land on the macro's name or the argument they were made of
        if written and item.name not in ("assembly", "composition"):
            assert written.split(".")[-1] == item.name.split(".")[-1], (item, written)


def test_component_file_outline_lists_interfaces_and_attributes(tmp_path: Path) -> None:
    write(tmp_path, {"c.camkes": "procedure P { int f(in int x); };\n"
                                 "component C {\n  control;\n  uses P p;\n  attribute int n;\n}\n"})
    ctx = AnalysisContext(settings=Settings({}), workspace=DiskWorkspace([tmp_path]))
    index = check_path(tmp_path / "c.camkes", ctx).symbols
    assert [(n.symbol.key, [c.symbol.key for c in n.children]) for n in index.outline] == [
        ("camkes:procedure:P", ["camkes:method:P.f"]),
        ("camkes:component:C", ["camkes:interface:C.p", "camkes:attribute:C.n"])]
    assert index.definition(Position(3, 7))[0].key == "camkes:procedure:P"


def test_a_component_in_an_app_resolves_names_the_app_provides(tmp_path: Path) -> None:
    write(tmp_path, {"procs.idl4": "procedure P { void f(); };\n",
                     "comp.camkes": "component C {\n  control;\n  uses P p;\n}\n",
                     "app.camkes": 'import "procs.idl4";\nimport "comp.camkes";\n'
                                   "assembly { composition { component C c; } }\n"})
    ctx = AnalysisContext(settings=Settings({}), workspace=DiskWorkspace([tmp_path]))
    index = check_path(tmp_path / "comp.camkes", ctx).symbols
    target = index.definition(Position(2, 7))
    assert [(t.key, t.path) for t in target] == [("camkes:procedure:P", tmp_path / "procs.idl4")]
    assert [n.symbol.key for n in index.outline] == ["camkes:component:C"]


def test_a_check_builds_the_index_only_when_a_feature_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    """`drvls check` reads diagnostics only: the index (a tenth of a corpus check) waits for its first reader."""
    from drvls.camkes import analyzer

    built: list[Path | None] = []
    real = analyzer.build_index

    def counted(model: CamkesModel, text: str = "", tree: object = None) -> object:
        built.append(model.path)
        return real(model, text, tree)
    monkeypatch.setattr(analyzer, "build_index", counted)
    analysis = analyse(MULTI)
    assert built == []
    assert "camkes:component:Client" in {s.key for s in analysis.symbols.definitions}
    assert analysis.symbols is analysis.symbols and len(built) == 1
