"""Folding ranges: every section and every multi-line rule of a rule source."""

from __future__ import annotations

import pytest
from lsprotocol import types
from nav_support import Project, position

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def folds(project: Project, name: str) -> list[tuple[int, int]]:
    found = await project.editor.client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=project.doc(name)))
    return sorted((f.start_line, f.end_line) for f in found or [])


@pytest.mark.parametrize(("heading", "last"), [
    ("# Conventions", "[the build guide]"),
    ("## Naming", "CamelCase"),
    ("## Testing rules", "see [naming]"),
])
async def test_a_section_folds_from_its_heading_to_its_last_line(project: Project, heading: str, last: str) -> None:
    text = project.texts["CONVENTIONS.md"]
    assert (position(text, heading).line, position(text, last).line) in await folds(project, "CONVENTIONS.md")


async def test_single_line_rules_do_not_fold(project: Project) -> None:
    text = project.texts["CONVENTIONS.md"]
    line = position(text, "snake_case").line
    assert all(start != line for start, _ in await folds(project, "CONVENTIONS.md"))


@pytest.mark.parametrize("name", ["CLAUDE.md", ".cursorrules"])
async def test_every_fold_spans_lines_of_the_file(project: Project, name: str) -> None:
    found = await folds(project, name)
    lines = project.texts[name].count("\n") + 1
    assert found and all(0 <= start < end < lines for start, end in found)
