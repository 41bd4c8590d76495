"""Selection ranges: from the name under the cursor out through the rule, its sections, the file."""

from __future__ import annotations

import itertools

import pytest
from lsprotocol import types
from nav_support import Project, as_tuple, position

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def chain(project: Project, name: str, pos: types.Position) -> list[tuple[int, int, int, int]]:
    found = await project.editor.client.text_document_selection_range_async(
        types.SelectionRangeParams(text_document=project.doc(name), positions=[pos]))
    assert found is not None and len(found) == 1
    out = []
    item: types.SelectionRange | None = found[0]
    while item is not None:
        out.append(as_tuple(item.range))
        item = item.parent
    return out


def contains(outer: tuple[int, int, int, int], inner: tuple[int, int, int, int]) -> bool:
    return outer[:2] <= inner[:2] and inner[2:] <= outer[2:]


@pytest.mark.parametrize(("needle", "offset", "levels"), [
    ("snake_case", 3, 4),  # rule → Naming → Conventions → file
    ("Every bug fix", 6, 4),
    ("#testing-rules", 4, 4),  # anchor → paragraph rule → Conventions → file
    ("## Links", 4, 3),  # heading name → Links → Conventions → file (the rule is the heading itself)
])
async def test_each_range_contains_the_one_before(project: Project, needle: str, offset: int,
                                                  levels: int) -> None:
    text = project.texts["CONVENTIONS.md"]
    pos = position(text, needle, offset)
    found = await chain(project, "CONVENTIONS.md", pos)
    assert len(found) >= levels
    assert contains(found[0], (pos.line, pos.character, pos.line, pos.character))
    assert all(contains(outer, inner) and outer != inner for inner, outer in itertools.pairwise(found))
    lines = text.split("\n")
    assert found[-1] == (0, 0, len(lines) - 1, len(lines[-1]))


async def test_several_positions_get_one_chain_each(project: Project) -> None:
    text = project.texts["CLAUDE.md"]
    positions = [position(text, "sDDF"), position(text, "MaaXBoard")]
    found = await project.editor.client.text_document_selection_range_async(
        types.SelectionRangeParams(text_document=project.doc("CLAUDE.md"), positions=positions))
    assert found is not None and len(found) == 2
    assert [f.range.start.line for f in found] == [p.line for p in positions]
