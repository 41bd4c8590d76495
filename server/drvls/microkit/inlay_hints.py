"""Inlay hints in a `.system`: where each map ends, region sizes in human units, a channel end's peer.

Every hint sits just after the closing quote of the attribute it explains, so it reads as a
note on that value: `vaddr="0x2000000"` ` → 0x2001000`, `size="0x200000"` ` 2 MiB`,
`<end pd="client" id="3"` ` ↔ server`. Values the model could not read give no hint.
"""

from __future__ import annotations

from drvls.core.diagnostics import Position, Range
from drvls.core.inlay import HintKind, InlayHint, inside
from drvls.core.languages import Analysis
from drvls.microkit.model import Channel, Map, MemoryRegion
from drvls.microkit.snapshot import SystemModel
from drvls.microkit.xmltree import El

UNITS = (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10))


def human_size(value: int) -> str:
    """`0x200000` → `2 MiB`; sizes that are no whole number of any unit keep one decimal (`1.5 KiB`)."""
    for unit, scale in UNITS:
        if value >= scale:
            whole, rest = divmod(value, scale)
            return f"{whole} {unit}" if rest == 0 else f"{value / scale:.1f} {unit}"
    return f"{value} B"


def inlay_hints(analysis: Analysis, within: Range) -> list[InlayHint]:
    model = analysis.model
    if not isinstance(model, SystemModel):
        return []
    return [hint for hint in _all_hints(model) if inside(hint.position, within)]


def _all_hints(model: SystemModel) -> list[InlayHint]:
    sizes = {mr.name: mr.size for mr in model.mrs if mr.name is not None and mr.size is not None}
    hints = [hint for mr in model.mrs if (hint := _size_hint(model, mr)) is not None]
    for pd in model.all_pds():
        maps = [*pd.maps, *(pd.vm.maps if pd.vm is not None else [])]
        hints.extend(hint for m in maps if (hint := _end_hint(model, m, sizes)) is not None)
    for space in model.spaces:
        hints.extend(hint for m in space.maps if (hint := _end_hint(model, m, sizes)) is not None)
    for channel in model.channels:
        hints.extend(_peer_hints(model, channel))
    return hints


def _after(model: SystemModel, el: El, attr: str) -> Position | None:
    """Just after the closing quote of `attr`'s value, or None when the element has no such attribute."""
    if attr not in el.attrs:
        return None
    end = model.range_of(el, attr).end
    return Position(end.line, end.character + 1)


def _size_hint(model: SystemModel, mr: MemoryRegion) -> InlayHint | None:
    where = _after(model, mr.el, "size")
    if mr.size is None or where is None:
        return None
    pages = mr.size // mr.check_page_size if mr.size % mr.check_page_size == 0 else None
    tooltip = f"{mr.size} bytes" + (f", {pages} page{'s' if pages != 1 else ''} of {mr.check_page_size:#x}"
                                    if pages is not None else "")
    return InlayHint(where, human_size(mr.size), HintKind.VALUE, tooltip)


def _end_hint(model: SystemModel, m: Map, sizes: dict[str, int]) -> InlayHint | None:
    size = sizes.get(m.mr) if m.mr is not None else None
    where = _after(model, m.el, "vaddr")
    if m.vaddr is None or size is None or where is None:
        return None
    end = m.vaddr + size
    return InlayHint(where, f"→ {end:#x}", HintKind.VALUE,
                     f"end of the mapping (exclusive): {m.vaddr:#x} + size {size:#x} of '{m.mr}'")


def _peer_hints(model: SystemModel, channel: Channel) -> list[InlayHint]:
    if len(channel.ends) != 2:
        return []
    hints = []
    for end, peer in zip(channel.ends, reversed(channel.ends), strict=True):
        where = _after(model, end.el, "id")
        if where is None or peer.pd is None:
            continue
        peer_id = f" (its id {peer.id})" if peer.id is not None else ""
        hints.append(InlayHint(where, f"↔ {peer.pd}", HintKind.NAME,
                               f"channel id {end.id} of '{end.pd}' reaches '{peer.pd}'{peer_id}"))
    return hints
