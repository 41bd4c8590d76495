"""Code lenses in real corpus systems through the real server: every PD's maps, channels and priority at a
glance, beside the signature lens (one `textDocument/codeLens` handler serves both).

The expected titles come from the file itself, read with the standard library's XML parser."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET

import pytest
from annotation_support import SYSTEMS, WAIT, RecordingClient, open_corpus
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="module")

CAMKES = ("seL4__camkes", "apps", "hierarchical-components", "hierarchical-components.camkes")
SIGN_TITLE = "Sign this file with drvls"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def expected_titles(root: ET.Element) -> dict[str, str]:
    """PD name → its lens title, counted from the XML tree."""
    channels = [{end.get("pd") for end in channel.iter("end")} for channel in root.iter("channel")]
    out = {}
    for pd in root.iter("protection_domain"):
        name = pd.get("name", "")
        parts = [plural(len(pd.findall("map")), "map")]
        vm = pd.find("virtual_machine")
        if vm is not None:
            parts.append(f"VM {vm.get('name')}: {plural(len(vm.findall('map')), 'map')}")
        parts += [plural(sum(1 for ends in channels if name in ends), "channel"),
                  f"priority {int(pd.get('priority', '0'), 0)}"]
        out[name] = " · ".join(parts)
    return out


async def lenses(client: RecordingClient, uri: str) -> list[types.CodeLens]:
    found = await asyncio.wait_for(client.text_document_code_lens_async(types.CodeLensParams(
        text_document=types.TextDocumentIdentifier(uri=uri))), WAIT)
    return list(found or [])


@pytest.mark.parametrize("parts", SYSTEMS, ids=lambda p: p[-1])
async def test_every_pd_has_a_lens_with_its_maps_channels_and_priority(annotations_client: RecordingClient,
                                                                      parts: tuple[str, ...]) -> None:
    uri, text, path = open_corpus(annotations_client, "microkit", parts)
    lines = text.split("\n")
    found = {}
    for lens in await lenses(annotations_client, uri):
        assert lens.command is not None and lens.range.start.line == lens.range.end.line
        name = lines[lens.range.start.line][lens.range.start.character:lens.range.end.character]
        assert "<protection_domain" in lines[lens.range.start.line] and f'name="{name}"' in lines[lens.range.start.line]
        found[name] = lens.command.title
    assert found == expected_titles(ET.parse(path).getroot())


async def test_lenses_follow_an_edit(annotations_client: RecordingClient) -> None:
    """A map added to a PD shows in its lens once the edit is analysed."""
    uri, text, _ = open_corpus(annotations_client, "microkit", SYSTEMS[2])
    line = next(n for n, row in enumerate(text.split("\n")) if "<map " in row)
    before = {lens.command.title for lens in await lenses(annotations_client, uri) if lens.command}
    annotations_client.editor.change(uri, (line, 0), (line, 0), '        <map mr="timer" vaddr="0x7_000_000" />\n')
    after = {lens.command.title for lens in await lenses(annotations_client, uri) if lens.command}
    assert any(title.startswith("1 map ") for title in before)
    assert any(title.startswith("2 maps ") for title in after)


async def test_a_camkes_file_has_no_pd_lens(annotations_client: RecordingClient) -> None:
    uri, _, _ = open_corpus(annotations_client, "camkes", CAMKES)
    assert await lenses(annotations_client, uri) == []


async def test_the_signature_lens_and_the_pd_lenses_come_together(annotations_client: RecordingClient,
                                                                  tmp_path_factory: pytest.TempPathFactory) -> None:
    """With a signing key configured an unsigned system gets the sign lens on its first line, beside its PDs'."""
    key = tmp_path_factory.mktemp("keys") / "drvls.key"
    uri, _, path = open_corpus(annotations_client, "microkit", SYSTEMS[1])
    editor = annotations_client.editor

    async def titles_until(signed: bool) -> list[str]:
        while True:
            titles = [lens.command.title for lens in await lenses(annotations_client, uri) if lens.command]
            if (SIGN_TITLE in titles) is signed:
                return titles
            await asyncio.sleep(0.05)

    await editor.change_settings({"debounce": 0, "signing": {"key": str(key)}})
    titles = await asyncio.wait_for(titles_until(True), WAIT)
    assert titles[0] == SIGN_TITLE
    assert sorted(titles[1:]) == sorted(expected_titles(ET.parse(path).getroot()).values())
    await editor.change_settings({"debounce": 0})
    assert SIGN_TITLE not in await asyncio.wait_for(titles_until(False), WAIT)


async def test_one_code_lens_provider_is_advertised(annotations_client: RecordingClient) -> None:
    provider = annotations_client.editor.init.capabilities.code_lens_provider
    assert provider is not None and not provider.resolve_provider
