"""Go to definition and declaration in rule sources: an anchor link goes to its heading."""

from __future__ import annotations

import pytest
from lsprotocol import types
from nav_support import Project, position

pytestmark = pytest.mark.asyncio(loop_scope="module")

CASES = [
    # (file, text at the cursor, offset into it, the heading text it goes to)
    ("CONVENTIONS.md", "(#naming)", 3, "Naming"),
    ("CONVENTIONS.md", "(#testing-rules)", 5, "Testing rules"),
    ("CONVENTIONS.md", "see [naming](#naming) again", 16, "Naming"),
    ("CONVENTIONS.md", "## Naming", 5, "Naming"),  # on a definition: its own name
]


@pytest.mark.parametrize(("name", "needle", "offset", "heading"), CASES)
@pytest.mark.parametrize("method", ["definition", "declaration"])
async def test_anchor_goes_to_its_heading(project: Project, name: str, needle: str, offset: int, heading: str,
                                          method: str) -> None:
    text = project.texts[name]
    pos = position(text, needle, offset)
    client = project.editor.client
    if method == "definition":
        found = await client.text_document_definition_async(types.DefinitionParams(
            text_document=project.doc(name), position=pos))
    else:
        found = await client.text_document_declaration_async(types.DeclarationParams(
            text_document=project.doc(name), position=pos))
    assert isinstance(found, list) and len(found) == 1
    assert isinstance(found[0], types.Location)
    assert found[0].uri == project.uri(name)
    line = text.splitlines()[found[0].range.start.line]
    assert line.lstrip("#").strip() == heading
    assert line[found[0].range.start.character:found[0].range.end.character] == heading


@pytest.mark.parametrize(("name", "needle"), [("CONVENTIONS.md", "before you start"), ("CLAUDE.md", "MaaXBoard")])
async def test_plain_text_has_no_definition(project: Project, name: str, needle: str) -> None:
    """Prose is not a name; a rule's own text goes to the rule itself only."""
    text = project.texts[name]
    found = await project.editor.client.text_document_definition_async(
        types.DefinitionParams(text_document=project.doc(name), position=position(text, needle, 1)))
    assert not found or all(loc.uri == project.uri(name) for loc in found)  # type: ignore[union-attr]
