"""Document symbols: rule source → sections → rules, as written; a `.drv` → its source files → rules."""

from __future__ import annotations

import pytest
from drvls.drv.sources.detect import format_by_name
from drvls.drv.sources.markdown import parse_heading, split_lines
from lsprotocol import types
from nav_support import Project
from prerequisites import CORPUS, corpus_path

pytestmark = pytest.mark.asyncio(loop_scope="module")


def tree(symbols: list[types.DocumentSymbol]) -> list[tuple[str, str, list[object]]]:
    return [(s.name, s.kind.name, tree(s.children or [])) for s in symbols]


async def outline(project: Project, uri: str) -> list[types.DocumentSymbol]:
    found = await project.editor.client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert found is not None
    assert all(isinstance(s, types.DocumentSymbol) for s in found)
    return found  # type: ignore[return-value]


async def test_sections_hold_their_rules(project: Project) -> None:
    found = tree(await outline(project, project.uri("CONVENTIONS.md")))
    assert [(name, kind) for name, kind, _ in found] == [("Conventions", "Namespace")]
    sections = {name: children for name, kind, children in found[0][2] if kind == "Namespace"}
    assert list(sections) == ["Naming", "Testing rules", "Links"]
    assert sections["Naming"] == [("Use snake_case for functions", "String", []),
                                  ("Use CamelCase for classes", "String", [])]
    assert sections["Testing rules"] == [
        ("Every bug fix comes with a test", "String", []),
        ("Run the suite before you push; see [naming](#naming) again", "String", [])]


async def test_ranges_contain_their_selection_ranges(project: Project) -> None:
    def check(symbols: list[types.DocumentSymbol], parent: types.Range | None) -> None:
        for s in symbols:
            assert _within(s.selection_range, s.range)
            if parent is not None:
                assert _within(s.range, parent)
            check(s.children or [], s.range)

    for name in project.texts:
        check(await outline(project, project.uri(name)), None)


async def test_a_drv_lists_its_rules_by_source_file(project: Project) -> None:
    found = tree(await outline(project, project.uri("rules.drv")))
    assert [name for name, _, _ in found] == [".cursorrules", "CLAUDE.md"]
    claude = next(children for name, _, children in found if name == "CLAUDE.md")
    assert ("Prefer the sDDF queue library over hand-written ring buffers", "String", []) in claude


def _within(inner: types.Range, outer: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(outer.start) <= key(inner.start) and key(inner.end) <= key(outer.end)


def corpus_sources() -> list[str]:
    """The Markdown-like rule sources of the corpus (one placeholder when it is absent, so the test
    runs and reports the missing corpus through skip_or_fail)."""
    folder = CORPUS / "drv" / "sources"
    if not folder.is_dir():
        return ["(corpus missing)"]
    return sorted(p.name for p in folder.iterdir() if p.suffix == ".md" or p.name.endswith("rules"))


@pytest.mark.parametrize("file", corpus_sources())
async def test_every_heading_of_a_corpus_source_is_in_the_outline(project: Project, file: str) -> None:
    path = corpus_path("drv", "sources") / file
    text = path.read_text(encoding="utf-8")
    # Opened under its own name when that is a rule-source name, else as a `.driven/rules.md`.
    name = f"corpus/{file}/{file}" if format_by_name(path) else f"corpus/{file}/.driven/rules.md"
    project.editor.open(name, text, language_id="markdown")
    headings = [h[1] for line in split_lines(text) if (h := parse_heading(line)) is not None and h[1]]

    def names(symbols: list[types.DocumentSymbol]) -> list[str]:
        out: list[str] = []
        for s in symbols:
            if s.kind == types.SymbolKind.Namespace:
                out.append(s.name)
            out += names(s.children or [])
        return out

    assert names(await outline(project, project.uri(name))) == headings
