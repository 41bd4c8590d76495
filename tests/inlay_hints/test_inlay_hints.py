"""Inlay hints in real corpus systems through the real server: where each map ends, region sizes in human
units, the PD at the other end of a channel id; only inside the requested range; off by setting.

The expected hints come from the file itself, read with the standard library's XML parser."""

from __future__ import annotations

import asyncio
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from annotation_support import SYSTEMS, WAIT, RecordingClient, open_corpus, text_before
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="module")

EVERYWHERE = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=100_000, character=0))


def number(raw: str) -> int:
    return int(raw.replace("_", ""), 0)


def sizes(path: Path) -> dict[str, int]:
    return {mr.get("name", ""): number(mr.get("size", "")) for mr in ET.parse(path).getroot().iter("memory_region")
            if mr.get("size")}


async def hints(client: RecordingClient, uri: str, rng: types.Range = EVERYWHERE) -> list[types.InlayHint]:
    found = await asyncio.wait_for(client.text_document_inlay_hint_async(types.InlayHintParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=rng)), WAIT)
    return list(found or [])


def label(hint: types.InlayHint) -> str:
    assert isinstance(hint.label, str)
    return hint.label


@pytest.mark.parametrize("parts", SYSTEMS, ids=lambda p: p[-1])
async def test_every_map_shows_where_it_ends(annotations_client: RecordingClient, parts: tuple[str, ...]) -> None:
    uri, text, path = open_corpus(annotations_client, "microkit", parts)
    size_of = sizes(path)
    ends = [h for h in await hints(annotations_client, uri) if label(h).startswith("→")]
    expected = [m for m in ET.parse(path).getroot().iter("map") if m.get("vaddr") and m.get("mr") in size_of]
    assert expected and len(ends) == len(expected)
    for hint in ends:
        before = text_before(text, hint.position)
        vaddr = re.search(r'vaddr="([^"]+)"$', before)
        mr = re.findall(r'<map\s[^>]*?mr="([^"]+)"', before)
        assert vaddr and mr, before
        assert label(hint) == f"→ {number(vaddr.group(1)) + size_of[mr[-1]]:#x}"
        assert hint.kind == types.InlayHintKind.Type and hint.padding_left


@pytest.mark.parametrize("parts", SYSTEMS, ids=lambda p: p[-1])
async def test_every_region_size_is_shown_in_human_units(annotations_client: RecordingClient,
                                                         parts: tuple[str, ...]) -> None:
    uri, text, path = open_corpus(annotations_client, "microkit", parts)
    found = [h for h in await hints(annotations_client, uri) if text_before(text, h.position).endswith('"')
             and re.search(r'size="[^"]+"$', text_before(text, h.position))]
    assert len(found) == len(sizes(path))
    units = {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}
    for hint in found:
        raw = re.search(r'size="([^"]+)"$', text_before(text, hint.position))
        assert raw is not None
        amount, unit = label(hint).split()
        assert abs(float(amount) * units[unit] - number(raw.group(1))) <= 0.05 * units[unit]


@pytest.mark.parametrize(("size", "shown"), [("0x1_000", "4 KiB"), ("0x10_000", "64 KiB"), ("0x2_000_000", "32 MiB"),
                                             ("0x200_000", "2 MiB")])
async def test_known_sizes_read_as_people_write_them(annotations_client: RecordingClient, size: str,
                                                     shown: str) -> None:
    uri, text, _ = open_corpus(annotations_client, "microkit", SYSTEMS[0])
    at = [h for h in await hints(annotations_client, uri) if text_before(text, h.position).endswith(f'size="{size}"')]
    assert at and {label(h) for h in at} == {shown}


@pytest.mark.parametrize("parts", SYSTEMS[:3], ids=lambda p: p[-1])  # the last has no channels
async def test_every_channel_id_names_the_pd_at_the_other_end(annotations_client: RecordingClient,
                                                              parts: tuple[str, ...]) -> None:
    uri, text, path = open_corpus(annotations_client, "microkit", parts)
    expected: Counter[tuple[str, str, str]] = Counter()
    for channel in ET.parse(path).getroot().iter("channel"):
        ends = channel.findall("end")
        if len(ends) == 2:
            for end, peer in ((ends[0], ends[1]), (ends[1], ends[0])):
                expected[(end.get("pd", ""), end.get("id", ""), peer.get("pd", ""))] += 1
    found: Counter[tuple[str, str, str]] = Counter()
    for hint in await hints(annotations_client, uri):
        if not label(hint).startswith("↔"):
            continue
        end = re.search(r'<end\s[^>]*?pd="([^"]+)"[^>]*?id="([^"]+)"$', text_before(text, hint.position))
        assert end, text_before(text, hint.position)
        found[(end.group(1), end.group(2), label(hint).removeprefix("↔ "))] += 1
        assert hint.kind == types.InlayHintKind.Parameter
    assert expected and found == expected


@pytest.mark.parametrize(("first", "last"), [(0, 10), (78, 92), (200, 260), (340, 351)])
async def test_only_hints_inside_the_requested_range(annotations_client: RecordingClient, first: int,
                                                     last: int) -> None:
    uri, _, _ = open_corpus(annotations_client, "microkit", SYSTEMS[0])
    everything = await hints(annotations_client, uri)
    rng = types.Range(start=types.Position(line=first, character=0), end=types.Position(line=last, character=0))
    part = await hints(annotations_client, uri, rng)
    inside = [h for h in everything if (first, 0) <= (h.position.line, h.position.character) <= (last, 0)]
    assert [(h.position, h.label) for h in part] == [(h.position, h.label) for h in inside]
    assert len(part) < len(everything)


async def poll_hints(client: RecordingClient, uri: str, want_any: bool) -> list[types.InlayHint]:
    async def until() -> list[types.InlayHint]:
        while True:
            found = await hints(client, uri)
            if bool(found) is want_any:
                return found
            await asyncio.sleep(0.05)

    return await asyncio.wait_for(until(), WAIT)


async def test_the_setting_turns_hints_off_and_on(annotations_client: RecordingClient) -> None:
    uri, _, _ = open_corpus(annotations_client, "microkit", SYSTEMS[1])
    assert await hints(annotations_client, uri)
    await annotations_client.editor.change_settings({"debounce": 0, "microkit": {"inlay_hints": False}})
    assert await poll_hints(annotations_client, uri, want_any=False) == []
    await annotations_client.editor.change_settings({"debounce": 0})
    assert await poll_hints(annotations_client, uri, want_any=True)


async def test_the_server_advertises_inlay_hints(annotations_client: RecordingClient) -> None:
    assert annotations_client.editor.init.capabilities.inlay_hint_provider is not None
