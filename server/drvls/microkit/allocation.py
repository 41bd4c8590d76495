"""Free names, ids and addresses of a system model: what a new channel end, child PD or mapping can take.

Read from the typed model only; `skip` is a byte offset inside the element being edited, so its own
current id or mapping does not count as taken.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from drvls.microkit.model import End, Map, ProtectionDomain
from drvls.microkit.snapshot import SystemModel
from drvls.microkit.values import round_up
from drvls.microkit.xmltree import El

MAX_ID = 61  # channel, IRQ, ioport, vCPU and child ids are 0–61 (badge bits 62 and 63 are reserved)
VADDR_BASE = 0x20000000  # where sdfgen starts allocating mappings
SMALL_PAGE = 0x1000
T = TypeVar("T")


def contains(model: SystemModel, el: El, offset: int | None) -> bool:
    if offset is None:
        return False
    base = model.base_of(el.anchor)
    return base + el.start <= offset <= base + el.end


def pds_by_name(model: SystemModel) -> dict[str, ProtectionDomain]:
    return memo(model, "pds", lambda m: {pd.name: pd for pd in m.all_pds() if pd.name is not None})


def channel_ids(model: SystemModel, pd: str, skip: int | None = None) -> set[int]:
    """Ids taken in PD `pd`: its channel ends and IRQs share one space (the tool's duplicate check)."""
    ends = memo(model, "ends", _ends_by_pd).get(pd, [])
    used = {end.id for end in ends if end.id is not None and not contains(model, end.el, skip)}
    found = pds_by_name(model).get(pd)
    if found is not None:
        used.update(irq.id for irq in found.irqs if irq.id is not None and not contains(model, irq.el, skip))
    return used


def _ends_by_pd(model: SystemModel) -> dict[str, list[End]]:
    out: dict[str, list[End]] = {}
    for channel in model.channels:
        for end in channel.ends:
            if end.pd is not None:
                out.setdefault(end.pd, []).append(end)
    return out


def free_ids(used: Iterable[int], count: int = 1) -> list[int]:
    """The `count` lowest ids in 0–61 not in `used`."""
    taken = set(used)
    return [i for i in range(MAX_ID + 1) if i not in taken][:count]


def child_ids(pd: ProtectionDomain, model: SystemModel, skip: int | None = None) -> set[int]:
    return {c.child_id for c in pd.children if c.child_id is not None and not contains(model, c.el, skip)}


def memo(model: SystemModel, key: str, build: Callable[[SystemModel], T]) -> T:
    """`build(model)`, computed once per snapshot (the model never changes) and kept on it."""
    facts = model.facts
    if key not in facts:
        facts[key] = build(model)
    found: T = facts[key]
    return found


def region_sizes(model: SystemModel) -> dict[str, tuple[int, int]]:
    """Region name → (size rounded to its page size, page size), once per snapshot."""
    return memo(model, "sizes", _region_sizes)


def _region_sizes(model: SystemModel) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for mr in model.mrs:
        if mr.name is not None:
            page = mr.check_page_size
            out.setdefault(mr.name, (round_up(mr.size or page, page), page))
    return out


def next_vaddr(model: SystemModel, maps: Iterable[Map], align: int, limit: int, skip: int | None = None,
               sizes: dict[str, tuple[int, int]] | None = None) -> int | None:
    """The first address above every mapping in `maps`, aligned to `align`, or None past `limit`
    (`sizes`: `region_sizes(model)`, when the caller has it already)."""
    sizes = region_sizes(model) if sizes is None else sizes
    top = 0
    for m in maps:
        if m.vaddr is None or contains(model, m.el, skip):
            continue
        top = max(top, m.vaddr + sizes.get(m.mr or "", (SMALL_PAGE, SMALL_PAGE))[0])
    found = round_up(top or VADDR_BASE, align)
    size = align
    return found if found + size <= limit else None
