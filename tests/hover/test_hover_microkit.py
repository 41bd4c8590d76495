"""Hover in Microkit system descriptions (corpus files), and on a program image built here with the
toolchains of the build-time check tests, through the real server."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hover_support import RecordingClient, assert_hover, hover_at, markdown, open_file
from prerequisites import corpus_path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "microkit"))
from elf_builder import build_image

pytestmark = pytest.mark.asyncio(loop_scope="module")

NOTIFY = ("au-ts__libmicrokitco", "example", "benchmarks", "validation_2_notify", "validation_notify.system")
TIMER = ("au-ts__sddf", "examples", "timer", "timer.system")
KITTY = ("au-ts__lionsos", "examples", "kitty", "kitty.system")


async def opened(client: RecordingClient, parts: tuple[str, ...]) -> tuple[str, str]:
    return open_file(client, corpus_path("microkit", *parts[:-1], required_file=parts[-1]) / parts[-1], "xml")


# (file, text to find, characters into it, the word the hover covers, what the hover must say)
CASES = [
    (NOTIFY, 'name="uart"', 7, "uart",
     ["**memory region** `uart`", "4 KiB (`0x1000`), 1 page of 4 KiB", "`0xff803000`", "Mapped 2 times",
      "| PD `server` | `0x5000000` | `0x5001000` | rw | false |", "| PD `client` |"]),
    (NOTIFY, 'mr="uart"', 5, "uart", ["**memory region** `uart`", "| PD `server` (this map) | `0x5000000`"]),
    (NOTIFY, 'name="client"', 7, "client",
     ["**protection domain** `client`", "priority: 253", "budget / period: 1000 µs / 1000 µs", "stack: 8 KiB",
      "program image: `client.elf`", "| `uart` | `0x5000000` | 4 KiB | rw |",
      "| 1 | channel 0 to `server` (its id 2) |"]),
    (NOTIFY, '<end pd="client"', 10, "client",
     ["**channel end** of channel 0", "this end: `client` (id 1)", "peer: `server` (id 2)"]),
    (TIMER, 'mr="timer_registers"', 5, "timer_registers",
     ["64 KiB (`0x10000`), 16 pages of 4 KiB", "| PD `timer` (this map) | `0x2000000` | `0x2010000` | rw | false |"]),
    (TIMER, 'name="timer"', 7, "timer",
     ["priority: 254", "(passive)", "| 0 | IRQ 42 |", "| 1 | channel 0 to `client` (its id 1) |"]),
    (KITTY, 'name="eth" priority="110"', 7, "eth", ["priority: 110", "budget / period: 100 µs / 400 µs"]),
    (TIMER, 'path="timer.elf"', 7, "timer.elf",
     ["**program image** `timer.elf` of `timer`", "Not found: looked in the system file's folder",
      "/timer.elf`"]),
]


@pytest.mark.parametrize(("parts", "needle", "offset", "word", "says"), CASES)
async def test_hover_on_a_corpus_system(hover_client: RecordingClient, parts: tuple[str, ...], needle: str,
                                        offset: int, word: str, says: list[str]) -> None:
    uri, text = await opened(hover_client, parts)
    await assert_hover(hover_client, uri, text, needle, offset, word, says)


async def test_a_diagnostic_explains_its_code(hover_client: RecordingClient) -> None:
    uri, text = await opened(hover_client, TIMER)
    shown = markdown(await hover_at(hover_client, uri, text, 'pp="true"', 5))
    assert "**MK110**" in shown and "`drvls rules MK110`" in shown


async def test_no_hover_between_elements(hover_client: RecordingClient) -> None:
    uri, text = await opened(hover_client, TIMER)
    assert await hover_at(hover_client, uri, text, "<!-- The timer driver", 6) is None


SYSTEM = """<?xml version="1.0" encoding="UTF-8"?>
<system>
    <memory_region name="buffer" size="0x2_000" />
    <memory_region name="spare" size="0x1_000" />
    <protection_domain name="driver" priority="100">
        <program_image path="driver.elf" />
        <map mr="buffer" vaddr="0x20_0000" perms="rw" />
        <map mr="spare" vaddr="0x400_0000" perms="r" />
    </protection_domain>
</system>
"""


async def test_hover_on_a_built_program_image(hover_client: RecordingClient, tmp_path: Path) -> None:
    (tmp_path / "drvls.toml").write_text('[microkit]\nsearch_path = ["build"]\n', encoding="utf-8")
    (tmp_path / "build").mkdir()
    build_image(tmp_path / "build", "driver.elf", text_at=0x200000, data_at=0x210000)
    path = tmp_path / "driver.system"
    path.write_text(SYSTEM, encoding="utf-8")
    uri, text = open_file(hover_client, path, "xml")
    shown = markdown(await hover_at(hover_client, uri, text, 'path="driver.elf"', 7))
    assert "**program image** `driver.elf` of `driver`" in shown
    assert "machine: AArch64, 64-bit" in shown
    assert "entry point: `0x200000`" in shown
    assert "| `0x200000` | `0x200004` | 4 B | rx |" in shown  # the text segment, then the data segment
    assert "| `0x210000` |" in shown and " | rw |" in shown
    assert "- `buffer` at `0x200000`..`0x202000`" in shown  # the map over the text segment
    assert "`spare`" not in shown.split("Maps overlapping a segment:")[1]
    assert "stack `0xffffffc000`..`0xffffffe000`, guard page" in shown


async def test_hover_on_a_missing_image_names_the_search_path(hover_client: RecordingClient, tmp_path: Path) -> None:
    (tmp_path / "drvls.toml").write_text('[microkit]\nsearch_path = ["out", "more"]\n', encoding="utf-8")
    path = tmp_path / "driver.system"
    path.write_text(SYSTEM, encoding="utf-8")
    uri, text = open_file(hover_client, path, "xml")
    shown = markdown(await hover_at(hover_client, uri, text, 'path="driver.elf"', 7))
    assert "Not found: looked in the search path" in shown
    assert f"`{tmp_path / 'out' / 'driver.elf'}`" in shown and f"`{tmp_path / 'more' / 'driver.elf'}`" in shown
