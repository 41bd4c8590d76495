"""Find references in rule sources, honouring includeDeclaration, across the files the server holds:
a heading's anchors, and a rule's compiled copy in the `.drv` beside its source."""

from __future__ import annotations

import pytest
from lsprotocol import types
from nav_support import Project, position

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def references(project: Project, name: str, needle: str, offset: int,
                     include: bool) -> list[tuple[str, int, int]]:
    text = project.texts[name]
    found = await project.editor.client.text_document_references_async(types.ReferenceParams(
        text_document=project.doc(name), position=position(text, needle, offset),
        context=types.ReferenceContext(include_declaration=include)))
    return sorted((loc.uri.rsplit("/", 1)[-1], loc.range.start.line, loc.range.start.character)
                  for loc in found or [])


@pytest.mark.parametrize(("needle", "offset"), [("## Naming", 4), ("(#naming)", 2), ("see [naming](#naming)", 14)])
@pytest.mark.parametrize("include", [True, False])
async def test_a_heading_is_referenced_by_its_anchors(project: Project, needle: str, offset: int,
                                                      include: bool) -> None:
    text = project.texts["CONVENTIONS.md"]
    anchors = [("CONVENTIONS.md", p.line, p.character) for p in (
        position(text, "#naming)", 0, 0), position(text, "#naming)", 0, 1))]
    heading = [("CONVENTIONS.md", position(text, "Naming\n").line, 3)]
    expected = sorted(anchors + heading) if include else sorted(anchors)
    assert await references(project, "CONVENTIONS.md", needle, offset, include) == expected


@pytest.mark.parametrize(("name", "needle"), [
    ("CLAUDE.md", "Prefer the sDDF"),
    ("CLAUDE.md", "The board is a MaaXBoard"),
    (".cursorrules", "Keep protection domains single-purpose"),
])
@pytest.mark.parametrize("include", [True, False])
async def test_a_rule_is_referenced_by_the_drv_compiled_from_it(project: Project, name: str, needle: str,
                                                                include: bool) -> None:
    text = project.texts[name]
    line = position(text, needle).line
    found = await references(project, name, needle, 3, include)
    assert ("rules.drv", 0, 0) in found
    assert ((name, line, position(text, needle).character) in found) is include


async def test_a_blank_line_has_no_references(project: Project) -> None:
    assert await references(project, "CONVENTIONS.md", "\n\nSee", 1, True) == []  # a blank line
