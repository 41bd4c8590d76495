"""Navigation in CAmkES (corpus app): a component type used by an instance is defined in an imported
file; an instance is referenced by the connections that use it."""

from __future__ import annotations

import pytest
from lsprotocol import types
from nav_support import RecordingClient, open_file, position
from prerequisites import corpus_path

pytestmark = pytest.mark.asyncio(loop_scope="module")

APP = ("seL4__camkes", "apps", "hierarchical-components")


async def opened(client: RecordingClient) -> tuple[str, str]:
    folder = corpus_path("camkes", *APP, required_file="hierarchical-components.camkes")
    return open_file(client, folder / "hierarchical-components.camkes", "camkes")


@pytest.mark.parametrize(("needle", "component"), [
    ("component Client c;", "Client"), ("component Server s;", "Server"), ("component Pipeline p1;", "Pipeline"),
    ("component Pipeline p2;", "Pipeline"),
])
async def test_a_component_type_goes_to_the_imported_file(nav_client: RecordingClient, needle: str,
                                                          component: str) -> None:
    uri, text = await opened(nav_client)
    found = await nav_client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position(text, needle, 11)))
    assert found and len(found) == 1 and isinstance(found[0], types.Location)
    assert found[0].uri.endswith(f"/components/{component}/{component}.camkes")
    defined = corpus_path("camkes", *APP) / "components" / component / f"{component}.camkes"
    line = defined.read_text(encoding="utf-8").split("\n")[found[0].range.start.line]
    assert line[found[0].range.start.character:found[0].range.end.character] == component
    assert line.lstrip().startswith("component")


@pytest.mark.parametrize(("instance", "uses"), [("c", 2), ("p1", 3), ("s", 1)])
async def test_an_instance_is_referenced_by_its_connection_ends(nav_client: RecordingClient, instance: str,
                                                                uses: int) -> None:
    uri, text = await opened(nav_client)
    declared = position(text, f" {instance};", 1)
    found = await nav_client.text_document_references_async(types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=declared,
        context=types.ReferenceContext(include_declaration=False)))
    lines = [loc.range.start.line for loc in found or []]
    assert len(lines) == uses
    assert all("connection" in text.split("\n")[n] for n in lines)


async def test_document_symbols_show_the_assembly_composition(nav_client: RecordingClient) -> None:
    uri, _ = await opened(nav_client)
    found = await nav_client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri)))

    def walk(symbols: list[types.DocumentSymbol]) -> list[str]:
        return [n for s in symbols for n in (s.name, *walk(list(s.children or [])))]

    names = walk([s for s in found or [] if isinstance(s, types.DocumentSymbol)])
    for expected in ("c", "s", "p1", "p2", "client_external", "server_external"):
        assert expected in names


async def test_imports_are_document_links(nav_client: RecordingClient) -> None:
    uri, _ = await opened(nav_client)
    found = await nav_client.text_document_document_link_async(
        types.DocumentLinkParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    targets = {(link.target or "").rsplit("/", 1)[-1] for link in found or []}
    assert {"Client.camkes", "Server.camkes", "Pipeline.camkes"} <= targets
