"""Memory maps: address order, the stack, guard page and IPC buffer where the Microkit tool puts them,
overlaps and gaps marked, and the physical layout of fixed-address regions."""

from __future__ import annotations

import sys
from pathlib import Path

from views_support import DESIGN_B, OVERLAP, mapping, mr, pd, system, view_text


def test_top_of_every_pd_is_stack_guard_and_ipc_buffer(tmp_path: Path) -> None:
    view = view_text(tmp_path, "b.system", DESIGN_B)
    space = next(s for s in view.spaces if s.name == "driver")
    top = [(s.kind, s.start, s.size) for s in space.spans[-3:]]
    # Default target: user vspace top 0xff_ffff_ffff, stack 0x2000 (Microkit ≥ 2.1).
    assert top == [("stack", 0xFFFFFFC000, 0x2000), ("guard", 0xFFFFFFE000, 0x1000),
                   ("ipc_buffer", 0xFFFFFFF000, 0x1000)]
    maps = [(s.label, s.start, s.perms, s.cached) for s in space.spans if s.kind == "map"]
    assert maps == [("queue_a", 0x4000000, "rw", True), ("queue_b", 0x4200000, "rw", True),
                    ("uart_regs", 0x5000000, "rw", False)]
    starts = [s.start or 0 for s in space.spans]
    assert starts == sorted(starts)


def test_overlaps_and_gaps_are_marked(tmp_path: Path) -> None:
    view = view_text(tmp_path, "o.system", OVERLAP)
    spans = next(s for s in view.spaces if s.name == "worker").spans
    big = next(s for s in spans if s.label == "big")
    small = [s for s in spans if s.label == "small"]
    assert big.overlaps == ("small",) and small[0].overlaps == ("big",) and small[1].overlaps == ()
    gaps = [(s.start, s.size) for s in spans if s.kind == "gap"]
    assert (0x10003000, 0x20000000 - 0x10003000) in gaps
    physical = [(s.label, s.overlaps) for s in view.physical]
    assert physical == [("dev_a", ("dev_b",)), ("dev_b", ("dev_a",))]


def test_a_found_program_image_shows_its_segments_beside_the_maps(tmp_path: Path) -> None:
    """Issue 14: the per-PD memory map has the ELF's loadable segments (page-rounded) next to the user maps,
    so a map laid over the program's own text is marked as an overlap before a build finds it."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "microkit"))
    from elf_builder import build_image

    build_image(tmp_path, "driver.elf", text_at=0x200000, data_at=0x210000)
    text = system(mr("buffer", "0x2000"), pd("driver", 200, mapping("buffer", "0x200000")))
    spans = next(s for s in view_text(tmp_path, "e.system", text).spaces if s.name == "driver").spans
    segments = [(s.start, s.size, s.perms) for s in spans if s.kind == "segment"]
    assert segments == [(0x200000, 0x1000, "rx"), (0x210000, 0x1000, "rw")]
    text_segment = next(s for s in spans if s.kind == "segment" and s.start == 0x200000)
    assert text_segment.overlaps == ("buffer",) and text_segment.label == "driver.elf (rx)"
    assert [s.kind for s in spans[-3:]] == ["stack", "guard", "ipc_buffer"]


def test_without_a_built_image_only_the_maps_and_the_tool_areas_are_shown(tmp_path: Path) -> None:
    text = system(mr("buffer", "0x2000"), pd("driver", 200, mapping("buffer", "0x201000")))
    spans = next(s for s in view_text(tmp_path, "e.system", text).spaces if s.name == "driver").spans
    assert not [s for s in spans if s.kind == "segment"]
