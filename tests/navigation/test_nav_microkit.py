"""Navigation in Microkit system descriptions (corpus files), by the shared key convention:
`mr:NAME` ↔ `map@mr`, `pd:NAME` ↔ channel `end@pd`, program images as document links."""

from __future__ import annotations

import pytest
from lsprotocol import types
from nav_support import RecordingClient, open_file, position
from prerequisites import corpus_path

pytestmark = pytest.mark.asyncio(loop_scope="module")

NOTIFY = ("au-ts__libmicrokitco", "example", "benchmarks", "validation_2_notify", "validation_notify.system")
TIMER = ("au-ts__sddf", "examples", "timer", "timer.system")


async def opened(client: RecordingClient, parts: tuple[str, ...]) -> tuple[str, str]:
    return open_file(client, corpus_path("microkit", *parts[:-1], required_file=parts[-1]) / parts[-1], "xml")


def sliced(text: str, rng: types.Range) -> str:
    lines = text.split("\n")
    assert rng.start.line == rng.end.line
    return lines[rng.start.line][rng.start.character:rng.end.character]


@pytest.mark.parametrize(("parts", "needle", "name"), [
    (NOTIFY, 'mr="uart" vaddr="0x5_000_000" perms="rw" cached="false" setvar_vaddr="uart_base" />', "uart"),
    (NOTIFY, 'mr="uart" vaddr="0x5_000_000" perms="rw" cached="false" setvar_vaddr="uart_base"/>', "uart"),
    (TIMER, 'mr="timer_registers"', "timer_registers"),
])
async def test_a_map_goes_to_its_memory_region(nav_client: RecordingClient, parts: tuple[str, ...], needle: str,
                                               name: str) -> None:
    uri, text = await opened(nav_client, parts)
    found = await nav_client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position(text, needle, 5)))
    assert found and len(found) == 1 and isinstance(found[0], types.Location)
    assert found[0].uri == uri
    assert sliced(text, found[0].range) == name
    assert "<memory_region" in text.split("\n")[found[0].range.start.line]


@pytest.mark.parametrize(("parts", "pd"), [(NOTIFY, "client"), (NOTIFY, "server"), (TIMER, "timer")])
@pytest.mark.parametrize("include", [True, False])
async def test_a_pd_is_referenced_by_its_channel_ends(nav_client: RecordingClient, parts: tuple[str, ...], pd: str,
                                                      include: bool) -> None:
    uri, text = await opened(nav_client, parts)
    found = await nav_client.text_document_references_async(types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position(text, f'name="{pd}"', 7),
        context=types.ReferenceContext(include_declaration=include)))
    lines = {loc.range.start.line for loc in found or []}
    ends = {n for n, line in enumerate(text.split("\n")) if f'<end pd="{pd}"' in line}
    assert ends and ends <= lines
    declaration = position(text, f'name="{pd}"').line
    assert (declaration in lines) is include


async def test_highlight_marks_the_region_and_its_maps(nav_client: RecordingClient) -> None:
    uri, text = await opened(nav_client, NOTIFY)
    found = await nav_client.text_document_document_highlight_async(types.DocumentHighlightParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position(text, 'name="uart"', 7)))
    kinds = sorted((h.range.start.line, h.kind) for h in found or [])
    assert [k for _, k in kinds].count(types.DocumentHighlightKind.Write) == 1
    assert len(kinds) == 3  # the definition and two maps


async def test_document_symbols_nest_maps_under_their_pd(nav_client: RecordingClient) -> None:
    uri, _ = await opened(nav_client, NOTIFY)
    found = await nav_client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert found

    def names(symbols: list[types.DocumentSymbol]) -> list[str]:
        return [s.name for s in symbols]

    flat = list(found)
    pds = [s for s in flat if isinstance(s, types.DocumentSymbol) and s.name in ("server", "client", "start")]
    if not pds:  # the outline may start at the system
        pds = [c for s in flat if isinstance(s, types.DocumentSymbol) for c in s.children or []
               if c.name in ("server", "client", "start")]
    assert sorted(names(pds)) == ["client", "server", "start"]
    server = next(p for p in pds if p.name == "server")
    assert any("uart" in c.name for c in server.children or [])


async def test_program_images_are_document_links(nav_client: RecordingClient) -> None:
    uri, _ = await opened(nav_client, NOTIFY)
    found = await nav_client.text_document_document_link_async(
        types.DocumentLinkParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    targets = sorted((link.target or "").rsplit("/", 1)[-1] for link in found or [])
    assert targets == ["client.elf", "server.elf", "start.elf"]


async def test_workspace_symbols_find_memory_regions(nav_client: RecordingClient) -> None:
    await opened(nav_client, TIMER)
    found = await nav_client.workspace_symbol_async(types.WorkspaceSymbolParams(query="timer_reg"))
    assert found and found[0].name == "timer_registers"
