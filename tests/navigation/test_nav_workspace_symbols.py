"""Workspace symbols: every held analysis (open sources and the `.drv` from the workspace pull),
matched fuzzily by name as rust-analyzer does, best match first."""

from __future__ import annotations

import pytest
from lsprotocol import types
from nav_support import Project

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def search(project: Project, query: str) -> list[tuple[str, str]]:
    found = await project.editor.client.workspace_symbol_async(types.WorkspaceSymbolParams(query=query))
    out = []
    for item in found or []:
        # the client's converter may read the reply as SymbolInformation: the same fields here
        assert isinstance(item, types.WorkspaceSymbol | types.SymbolInformation)
        assert isinstance(item.location, types.Location)
        out.append((item.name, item.location.uri.rsplit("/", 1)[-1]))
    return out


@pytest.mark.parametrize(("query", "best"), [
    ("Testing rules", ("Testing rules", "CONVENTIONS.md")),  # exact
    ("nam", ("Naming", "CONVENTIONS.md")),  # prefix
    ("tstrl", ("Testing rules", "CONVENTIONS.md")),  # in-order letters
    ("sDDF", ("Prefer the sDDF queue library over hand-written ring buffers", "CLAUDE.md")),
])
async def test_the_best_match_comes_first(project: Project, query: str, best: tuple[str, str]) -> None:
    assert (await search(project, query))[0] == best


async def test_a_rule_is_found_where_it_is_written_once(project: Project) -> None:
    """The `.drv` holds the same rule under the same key and place: listed once, in its source."""
    found = await search(project, "Keep protection domains")
    assert found.count(("Keep protection domains single-purpose", ".cursorrules")) == 1


async def test_the_container_is_named_by_its_title(project: Project) -> None:
    found = await project.editor.client.workspace_symbol_async(types.WorkspaceSymbolParams(query="snake_case"))
    assert found and found[0].container_name == "Naming"


async def test_no_match_finds_nothing(project: Project) -> None:
    assert await search(project, "zzqxj") == []
