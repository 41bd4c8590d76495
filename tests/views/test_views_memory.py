"""Memory maps: address order, the stack, guard page and IPC buffer where the Microkit tool puts them,
overlaps and gaps marked, and the physical layout of fixed-address regions."""

from __future__ import annotations

from pathlib import Path

from views_support import DESIGN_B, OVERLAP, view_text


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
