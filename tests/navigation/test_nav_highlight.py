"""Document highlight: every occurrence of a heading's anchor in the file, the heading as a write."""

from __future__ import annotations

import pytest
from lsprotocol import types
from nav_support import Project, as_tuple, position, span

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.mark.parametrize(("needle", "offset"), [("## Naming", 5), ("(#naming)", 4), ("(#testing-rules)", 3)])
async def test_highlights_the_heading_and_its_anchors(project: Project, needle: str, offset: int) -> None:
    text = project.texts["CONVENTIONS.md"]
    found = await project.editor.client.text_document_document_highlight_async(types.DocumentHighlightParams(
        text_document=project.doc("CONVENTIONS.md"), position=position(text, needle, offset)))
    assert found
    writes = [as_tuple(h.range) for h in found if h.kind == types.DocumentHighlightKind.Write]
    reads = [as_tuple(h.range) for h in found if h.kind == types.DocumentHighlightKind.Read]
    if "testing" in needle:
        assert writes == [span(text, "Testing rules")]
        assert reads == [span(text, "#testing-rules")]
    else:
        heading = position(text, "## Naming", 3)
        assert writes == [(heading.line, heading.character, heading.line, heading.character + len("Naming"))]
        assert reads == [span(text, "#naming", 0), span(text, "#naming", 1)]

async def test_a_rule_highlights_itself(project: Project) -> None:
    """A paragraph that maps to no rule kind is a raw rule whose name is its text: it highlights itself."""
    text = project.texts["CONVENTIONS.md"]
    found = await project.editor.client.text_document_document_highlight_async(types.DocumentHighlightParams(
        text_document=project.doc("CONVENTIONS.md"), position=position(text, "before you start", 3)))
    line = position(text, "See [naming]").line
    assert [as_tuple(h.range) for h in found or []] == [(line, 0, line, len(text.splitlines()[line]))]


async def test_a_blank_line_highlights_nothing(project: Project) -> None:
    found = await project.editor.client.text_document_document_highlight_async(types.DocumentHighlightParams(
        text_document=project.doc("CONVENTIONS.md"), position=types.Position(line=1, character=0)))
    assert not found
