"""Build-time checks against real program images: search path, ELF validity, symbols, address-space overlaps."""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pytest
from drvls.core.diagnostics import Severity
from drvls.microkit import elf
from elf_builder import build_image
from microkit_support import Check, only, system, value

REGION = '    <memory_region name="buf" size="0x1000" />'


def pd(children: str = "", image: str = "a.elf", attrs: str = "", symbols_path: str | None = None) -> str:
    extra = f' path_for_symbols="{symbols_path}"' if symbols_path else ""
    return (f'    <protection_domain name="a"{attrs}>\n        <program_image path="{image}"{extra} />\n'
            f"{children}\n    </protection_domain>")


def mapping(vaddr: str, extra: str = "") -> str:
    return f'        <map mr="buf" vaddr="{vaddr}"{extra} />'


def codes(diagnostics: list) -> list[str]:  # type: ignore[type-arg]
    return [d.code for d in diagnostics]


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    elf.clear_cache()


def test_a_good_image_next_to_the_file_gives_nothing(check: Check, tmp_path: Path) -> None:
    build_image(tmp_path, "a.elf", symbols={"buf_vaddr": 8})
    maps = mapping("0x400000", ' setvar_vaddr="buf_vaddr"')
    text = system(f"{REGION}\n{pd(maps)}")
    assert check(text) == []


def test_missing_image_is_a_warning_without_a_search_path(check: Check) -> None:
    text = system(pd())
    diag = only(check(text, unbuilt=True), "MK201")
    assert diag.severity == Severity.WARNING
    assert diag.message.startswith("unable to find program image: 'a.elf'")
    assert diag.range == value(text, 'path="a.elf"')


def test_missing_image_is_an_error_with_a_search_path(check: Check, tmp_path: Path) -> None:
    build = tmp_path / "build"
    build.mkdir()
    text = system(pd())
    diag = only(check(text, search_path=[str(build)]), "MK200")
    assert diag.severity == Severity.ERROR
    assert diag.message == "unable to find program image: 'a.elf'"


def test_search_path_folders_are_tried_in_order(check: Check, tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    build_image(second, "a.elf")
    (first / "a.elf").write_text("not an elf", encoding="utf-8")
    assert codes(check(system(pd()), search_path=[str(second), str(first)])) == []
    assert codes(check(system(pd()), search_path=[str(first), str(second)])) == ["MK202"]


def test_not_an_elf(check: Check, tmp_path: Path) -> None:
    (tmp_path / "a.elf").write_text("#!/bin/sh\n", encoding="utf-8")
    text = system(pd())
    diag = only(check(text), "MK202")
    assert diag.message == f"failed to parse ELF '{tmp_path / 'a.elf'}' for PD 'a': magic check failed"
    assert diag.range == value(text, 'path="a.elf"')


@pytest.mark.parametrize(("offset", "byte", "reason"), [
    (4, 1, "unsupported word size: '32'"),
    (4, 7, "invalid class '7'"),
    (5, 2, "incorrect endianness, only little endian architectures are supported"),
])
def test_header_the_tool_refuses(check: Check, tmp_path: Path, offset: int, byte: int, reason: str) -> None:
    path = build_image(tmp_path, "a.elf")
    data = bytearray(path.read_bytes())
    data[offset] = byte
    path.write_bytes(bytes(data))
    assert reason in only(check(system(pd())), "MK202").message


@pytest.mark.parametrize(("built", "target", "label"), [
    ("riscv64", "aarch64", "built for RISC-V, but the target is AArch64"),
    ("x86_64", "riscv64", "built for x86-64, but the target is RISC-V (64-bit)"),
    ("aarch64", "x86_64", "built for AArch64, but the target is x86-64"),
])
def test_wrong_architecture(check: Check, tmp_path: Path, built: str, target: str, label: str) -> None:
    build_image(tmp_path, "a.elf", arch=built)
    diag = only(check(system(pd()), arch=target, hypervisor=False), "MK203")
    assert diag.message == f"program image 'a.elf' for PD 'a' is {label}"


@pytest.mark.parametrize("arch", ["aarch64", "riscv64", "x86_64"])
def test_the_right_architecture_passes(check: Check, tmp_path: Path, arch: str) -> None:
    build_image(tmp_path, "a.elf", arch=arch)
    assert check(system(pd()), arch=arch, hypervisor=False) == []


def test_image_without_libmicrokit(check: Check, tmp_path: Path) -> None:
    build_image(tmp_path, "a.elf", microkit=False)
    diag = only(check(system(pd())), "MK204")
    assert "'microkit_name', 'microkit_passive'" in diag.message
    assert "libmicrokit" in diag.message


def test_setvar_symbol_missing_and_wrong_size(check: Check, tmp_path: Path) -> None:
    build_image(tmp_path, "a.elf", symbols={"small": 4})
    maps = ('        <map mr="buf" vaddr="0x400000" setvar_vaddr="absent" />\n'
            '        <map mr="buf" vaddr="0x800000" setvar_size="small" />')
    text = system(f"{REGION}\n{pd(maps)}")
    found = check(text)
    missing = only(found, "MK205")
    assert missing.message == ("could not patch symbol 'absent' in program image for PD 'a' (a.elf): no symbol "
                               "named 'absent' found")
    assert missing.range == value(text, 'setvar_vaddr="absent"')
    wrong = only(found, "MK206")
    assert wrong.message == ("setvar to non-word size symbol 'small' for PD 'a', symbol has size '4' bytes, "
                             "expected size '8' bytes")
    assert wrong.range == value(text, 'setvar_size="small"')


def test_channel_end_setvar_is_looked_up_in_that_pds_image(check: Check, tmp_path: Path) -> None:
    build_image(tmp_path, "a.elf")
    build_image(tmp_path, "b.elf", symbols={"to_a": 8})
    text = system('    <protection_domain name="a">\n        <program_image path="a.elf" />\n'
                  '    </protection_domain>\n    <protection_domain name="b">\n'
                  '        <program_image path="b.elf" />\n    </protection_domain>\n'
                  '    <channel>\n        <end pd="a" id="1" setvar_id="to_b" />\n'
                  '        <end pd="b" id="1" setvar_id="to_a" />\n    </channel>')
    diag = only(check(text), "MK205")
    assert "'to_b' in program image for PD 'a' (a.elf)" in diag.message
    assert diag.range == value(text, 'setvar_id="to_b"')


def test_path_for_symbols_supplies_the_symbols(check: Check, tmp_path: Path) -> None:
    build_image(tmp_path, "a.elf", microkit=False)
    build_image(tmp_path, "a.debug", symbols={"buf_vaddr": 8})
    maps = '        <map mr="buf" vaddr="0x400000" setvar_vaddr="buf_vaddr" />'
    assert check(system(f"{REGION}\n{pd(maps, symbols_path='a.debug')}")) == []
    missing = only(check(system(f"{REGION}\n{pd(maps, symbols_path='nope.debug')}"), unbuilt=True), "MK201")
    assert missing.message.startswith("unable to find program image for symbols: 'nope.debug'")


def test_map_overlapping_an_elf_segment(check: Check, tmp_path: Path) -> None:
    build_image(tmp_path, "a.elf", text_at=0x200000, data_at=0x210000)
    text = system(f"{REGION}\n{pd(mapping('0x210000'))}")
    diag = only(check(text), "MK207")
    assert diag.message == ("mapping MR 'buf' to PD 'a' with vaddr [0x210000..0x211000) will overlap with an ELF "
                            "segment at [0x210000..0x211000)")
    assert diag.range == value(text, 'vaddr="0x210000"')
    assert diag.related[0].message == "the program image"
    beside = system(f"{REGION}\n{pd(mapping('0x211000'))}")
    assert check(beside) == []


@pytest.mark.parametrize(("where", "area"), [
    (0xFFFFFFC000, "stack [0xffffffc000..0xffffffe000)"),
    (0xFFFFFFE000, "guard page [0xffffffe000..0xfffffff000)"),
    (0xFFFFFFF000, "IPC buffer [0xfffffff000..0x10000000000)"),
])
def test_segment_overlapping_what_the_tool_places_at_the_top(check: Check, tmp_path: Path, where: int,
                                                             area: str) -> None:
    build_image(tmp_path, "a.elf", data_at=where)
    diag = only(check(system(pd())), "MK208")
    assert f"overlaps the {area}" in diag.message


def test_stack_size_moves_the_stack(check: Check, tmp_path: Path) -> None:
    build_image(tmp_path, "a.elf", data_at=0xFFFFFF8000)
    assert check(system(pd())) == []
    assert codes(check(system(pd(attrs=' stack_size="0x8000"')))) == ["MK208"]


def test_a_fifo_or_device_as_image_does_not_block(check: Check, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "a.elf")
    (tmp_path / "b.elf").symlink_to("/dev/zero")
    text = system(pd() + "\n" + pd(image="b.elf").replace('name="a"', 'name="b"'))
    started = time.monotonic()
    found = check(text)
    assert time.monotonic() - started < 5
    assert codes(found) == ["MK202", "MK202"]
    assert all("not a regular file" in d.message for d in found)


def test_truncated_images_are_diagnosed_never_crash(check: Check, tmp_path: Path) -> None:
    whole = build_image(tmp_path, "whole.elf", arch="riscv64").read_bytes()
    path = tmp_path / "a.elf"
    for cut in sorted({0, 3, 5, 16, 63, 64, 100, 200, len(whole) // 2, len(whole) - 1}):
        path.write_bytes(whole[:cut])
        elf.clear_cache()
        found = check(system(pd()), arch="riscv64", hypervisor=False)
        assert codes(found) in (["MK202"], ["MK204"], []), (cut, found)


def test_mutated_headers_are_diagnosed_in_bounded_time(check: Check, tmp_path: Path) -> None:
    whole = build_image(tmp_path, "whole.elf").read_bytes()
    path = tmp_path / "a.elf"
    rng = random.Random(14)
    for _ in range(150):
        data = bytearray(whole)
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(0, 64) if rng.random() < 0.7 else rng.randrange(0, len(data))
            data[at] = rng.randrange(256)
        path.write_bytes(bytes(data))
        elf.clear_cache()
        started = time.monotonic()
        found = check(system(pd()))
        assert time.monotonic() - started < 5
        assert all(d.code.startswith("MK2") and d.code != "MK200" for d in found), found


def test_huge_claimed_tables_stay_bounded(check: Check, tmp_path: Path) -> None:
    path = build_image(tmp_path, "a.elf")
    data = bytearray(path.read_bytes())
    data[0x3C:0x3E] = (0xFFFF).to_bytes(2, "little")  # e_shnum
    data[0x38:0x3A] = (0xFFFF).to_bytes(2, "little")  # e_phnum
    path.write_bytes(bytes(data))
    started = time.monotonic()
    found = check(system(pd()))
    assert time.monotonic() - started < 5
    assert codes(found) == ["MK202"]


def test_each_image_is_read_once_for_many_systems(check: Check, tmp_path: Path) -> None:
    build_image(tmp_path, "a.elf")
    before = elf.reads
    for index in range(5):
        assert check(system(pd()), name=f"s{index}.system") == []
    assert elf.reads - before == 1


def test_a_rebuilt_image_is_read_again(check: Check, tmp_path: Path) -> None:
    build_image(tmp_path, "a.elf", microkit=False)
    assert codes(check(system(pd()))) == ["MK204"]
    time.sleep(0.01)
    build_image(tmp_path, "a.elf")
    assert check(system(pd())) == []
