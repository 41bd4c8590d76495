"""Document links: relative links in a rule source, and a `.drv`'s recorded source files."""

from __future__ import annotations

import pytest
from lsprotocol import types
from nav_support import Project, as_tuple, span

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def links(project: Project, name: str) -> list[types.DocumentLink]:
    found = await project.editor.client.text_document_document_link_async(
        types.DocumentLinkParams(text_document=project.doc(name)))
    return list(found or [])


@pytest.mark.parametrize("target", ["CLAUDE.md", "docs/build.md"])
async def test_a_relative_link_is_a_document_link(project: Project, target: str) -> None:
    text = project.texts["CONVENTIONS.md"]
    found = {as_tuple(link.range): link.target for link in await links(project, "CONVENTIONS.md")}
    assert found[span(text, target)] == project.uri(target)


async def test_anchors_are_not_document_links(project: Project) -> None:
    targets = [link.target for link in await links(project, "CONVENTIONS.md")]
    assert len(targets) == 2 and not any(t and "#" in t for t in targets)


async def test_a_drv_links_to_the_sources_it_was_compiled_from(project: Project) -> None:
    found = [link.target for link in await links(project, "rules.drv")]
    assert found == [project.uri(".cursorrules"), project.uri("CLAUDE.md")]
