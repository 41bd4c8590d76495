"""Hover in a `.system` file: regions, PDs, channel ends and program images, from the typed model.

The element under the cursor is found by byte offset in the snapshot's own model (no second
parse); what is shown is computed from the model and, for a program image, from the ELF that the
build-time checks read (`elf.load`, cached per file version), searched for on the same path.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from drvls.core.diagnostics import Position, Range
from drvls.core.hover import Hover, human_size, table
from drvls.core.languages import Analysis
from drvls.core.query import Query
from drvls.microkit import elf, images
from drvls.microkit.elf import ElfImage, ElfProblem
from drvls.microkit.model import Channel, End, Map, MemoryRegion, ProtectionDomain
from drvls.microkit.snapshot import SystemModel
from drvls.microkit.target import Target
from drvls.microkit.values import parse_number
from drvls.microkit.xmltree import El

DEFAULT_BUDGET = 1000  # µs, as the tool's default (the period defaults to the budget)


@dataclass(frozen=True)
class Spot:
    """The innermost element under the cursor, the elements around it, and the attribute there."""

    chain: tuple[El, ...]
    attr: str | None

    @property
    def el(self) -> El:
        return self.chain[-1]


@dataclass(frozen=True)
class Used:
    """One place a region is mapped: by a PD or VM (`owner`), or an I/O address space."""

    owner: str
    kind: str  # "PD", "VM", "I/O space"
    el: El
    vaddr: int | None


def hover(analysis: Analysis, query: Query, pos: Position) -> Hover | None:
    model = analysis.model
    if not isinstance(model, SystemModel):
        return None
    spot = spot_at(model, pos)
    if spot is None:
        return None
    target = getattr(analysis.state, "target", None)
    text = describe(model, spot, target if isinstance(target, Target) else Target())
    if text is None:
        return None
    return Hover(text, hover_range(model, spot.el, spot.attr))


def spot_at(model: SystemModel, pos: Position) -> Spot | None:
    """The element chain holding `pos`, found by byte offset from the top-level elements down."""
    offset = model.index.byte_offset(pos)
    starts, tops = _tops(model)
    i = bisect_right(starts, offset) - 1
    inside = tops[i] if i >= 0 and _holds(model, tops[i], offset) else None
    chain: list[El] = []
    while inside is not None:
        chain.append(inside)
        inside = next((el for el in inside.children if _holds(model, el, offset)), None)
    if not chain:
        return None
    el = chain[-1]
    base = model.base_of(el.anchor)
    if offset > base + el.tag_end:
        return None  # between children, not on a tag
    attr = next((s.name for s in el.spans() if base + s.name_start <= offset <= base + s.value_end), None)
    return Spot(tuple(chain), attr)


_last_tops: list[tuple[SystemModel, list[int], list[El]]] = []  # the last model hovered: keystrokes hover one file


def _tops(model: SystemModel) -> tuple[list[int], list[El]]:
    """The top-level elements by start offset (built once per model, which never changes)."""
    if _last_tops and _last_tops[0][0] is model:
        return _last_tops[0][1], _last_tops[0][2]
    tops = [*(pd.el for pd in model.pds), *(mr.el for mr in model.mrs), *(c.el for c in model.channels),
            *(s.el for s in model.spaces), *(d.el for d in model.domains)]
    tops.sort(key=lambda el: model.base_of(el.anchor) + el.start)
    starts = [model.base_of(el.anchor) + el.start for el in tops]
    _last_tops[:] = [(model, starts, tops)]
    return starts, tops


def _holds(model: SystemModel, el: El, offset: int) -> bool:
    base = model.base_of(el.anchor)
    return base + el.start <= offset < base + el.end


def describe(model: SystemModel, spot: Spot, target: Target) -> str | None:
    el, attr = spot.el, spot.attr
    tag = el.tag
    if tag == "memory_region":
        return region_text(model, el.get("name"), None)
    if tag in ("map", "iomap") and (attr in (None, "mr", "vaddr", "perms", "cached")):
        return region_text(model, el.get("mr"), el)
    if tag == "setvar" and attr == "region_paddr":
        return region_text(model, el.get("region_paddr"), None)
    if tag == "protection_domain":
        pd = _pd_of(model, el)
        return pd_text(model, pd, target) if pd is not None else None
    if tag == "end":
        return end_text(model, spot)
    if tag == "channel":
        channel = next((c for c in model.channels if c.el is el), None)
        return channel_text(model, channel) if channel is not None else None
    if tag == "program_image":
        pd = next((p for p in (_pd_of(model, e) for e in reversed(spot.chain[:-1])) if p is not None), None)
        if pd is None:
            return None
        which = "path_for_symbols" if attr == "path_for_symbols" else "path"
        return image_text(model, pd, el, which, target)
    return None


# -- memory regions ----------------------------------------------------------------------------

def region_text(model: SystemModel, name: str | None, here: El | None) -> str | None:
    if name is None:
        return None
    mr = next((r for r in model.mrs if r.name == name), None)
    if mr is None:
        return f"**memory region** `{name}`\n\nNo memory region of this name is declared in this file."
    lines = [f"**memory region** `{name}`", ""]
    page = mr.check_page_size
    if mr.size is not None:
        pages = mr.size // page
        rest = " (not a whole number of pages)" if mr.size % page else ""
        lines.append(f"- size: {human_size(mr.size)} (`{mr.size:#x}`), {pages} page{'s' if pages != 1 else ''} "
                     f"of {human_size(page)}{rest}")
    lines.append(f"- page size: {human_size(page)}" + ("" if mr.page_size is not None else " (the default)"))
    if mr.phys_addr is not None:
        lines.append(f"- physical address: `{mr.phys_addr:#x}`")
    if mr.el.get("prefill_path"):
        lines.append(f"- prefilled from `{mr.el.get('prefill_path')}`")
    uses = region_uses(model, name)
    lines.append("")
    if not uses:
        lines.append("Mapped by no protection domain.")
    else:
        lines.append(f"Mapped {len(uses)} time{'s' if len(uses) != 1 else ''}:")
        lines.append("")
        lines += table(("by", "vaddr", "end", "perms", "cached"), (_use_row(use, mr, here) for use in uses))
    return "\n".join(lines)


def _use_row(use: Used, mr: MemoryRegion, here: El | None) -> tuple[str, ...]:
    marker = " (this map)" if use.el is here else ""
    end = f"`{use.vaddr + mr.size:#x}`" if use.vaddr is not None and mr.size is not None else ""
    vaddr = f"`{use.vaddr:#x}`" if use.vaddr is not None else "—"
    perms = use.el.get("perms") or ("rw" if use.kind != "I/O space" else "")
    cached = use.el.get("cached") or ("true" if use.kind != "I/O space" else "")
    return (f"{use.kind} `{use.owner}`{marker}", vaddr, end, perms, cached)


def region_uses(model: SystemModel, name: str) -> list[Used]:
    """Every map, VM map and I/O map of the region, in document order of their PDs."""
    out: list[Used] = []
    for pd in model.all_pds():
        out += [Used(pd.name or "?", "PD", m.el, m.vaddr) for m in pd.maps if m.mr == name]
        if pd.vm is not None:
            out += [Used(pd.vm.name or "?", "VM", m.el, m.vaddr) for m in pd.vm.maps if m.mr == name]
    for space in model.spaces:
        out += [Used(space.name or "?", "I/O space", m.el, m.vaddr) for m in space.maps if m.mr == name]
    return out


# -- protection domains and channels -----------------------------------------------------------

def _pd_of(model: SystemModel, el: El) -> ProtectionDomain | None:
    return next((pd for pd in model.all_pds() if pd.el is el), None)


def _number(el: El, attr: str) -> int | None:
    raw = el.get(attr)
    value = parse_number(raw) if raw is not None else None
    return value if isinstance(value, int) else None


def pd_text(model: SystemModel, pd: ProtectionDomain, target: Target) -> str:
    el = pd.el
    budget = _number(el, "budget") or DEFAULT_BUDGET
    period = _number(el, "period") or budget
    lines = [f"**protection domain** `{pd.name}`", "",
             f"- priority: {pd.priority}",
             f"- budget / period: {budget} µs / {period} µs" + (" (passive)" if el.get("passive") == "true" else ""),
             f"- stack: {human_size(pd.stack_size)}"]
    if pd.child_id is not None:
        lines.append(f"- child id: {pd.child_id}")
    if pd.program_image is not None:
        lines.append(f"- program image: `{pd.program_image.get('path') or ''}`")
    mrs = {mr.name: mr for mr in model.mrs}
    if pd.maps:
        lines += ["", "Maps:", ""]
        lines += table(("region", "vaddr", "size", "perms"), (_map_row(m, mrs) for m in pd.maps))
    ids = pd_ids(model, pd)
    if ids:
        lines += ["", "Channel and IRQ ids:", ""]
        lines += table(("id", "what"), ((str(n), what) for n, what in ids))
    if pd.children:
        lines += ["", "Children: " + ", ".join(f"`{c.name}` (id {c.child_id})" for c in pd.children)]
    return "\n".join(lines)


def _map_row(m: Map, mrs: dict[str | None, MemoryRegion]) -> tuple[str, ...]:
    mr = mrs.get(m.mr)
    size = human_size(mr.size) if mr is not None and mr.size is not None else "?"
    vaddr = f"`{m.vaddr:#x}`" if m.vaddr is not None else "?"
    return (f"`{m.mr}`", vaddr, size, m.el.get("perms") or "rw")


def pd_ids(model: SystemModel, pd: ProtectionDomain) -> list[tuple[int, str]]:
    """The PD's channel ids (with the peer at the other end) and IRQ ids, by id."""
    out: list[tuple[int, str]] = []
    for n, channel in enumerate(model.channels):
        for end, peer in _ends_with_peers(channel):
            if end.pd == pd.name and end.id is not None:
                peer_text = f"`{peer.pd}` (its id {peer.id})" if peer is not None else "?"
                out.append((end.id, f"channel {n} to {peer_text}"))
    for irq in pd.irqs:
        if irq.id is not None:
            out.append((irq.id, f"IRQ {irq.number if irq.number is not None else '?'}"))
    return sorted(out)


def _ends_with_peers(channel: Channel) -> list[tuple[End, End | None]]:
    ends = channel.ends
    if len(ends) != 2:
        return [(end, None) for end in ends]
    return [(ends[0], ends[1]), (ends[1], ends[0])]


def _end_line(end: End) -> str:
    notes = [f"id {end.id}" if end.id is not None else "no id"]
    if end.pp:
        notes.append("can make protected procedure calls")
    if end.el.get("notify") == "false":
        notes.append("cannot notify")
    return f"`{end.pd}` ({', '.join(notes)})"


def end_text(model: SystemModel, spot: Spot) -> str | None:
    for n, channel in enumerate(model.channels):
        for end, peer in _ends_with_peers(channel):
            if end.el is spot.el:
                lines = [f"**channel end** of channel {n}", "", f"- this end: {_end_line(end)}",
                         f"- peer: {_end_line(peer) if peer is not None else 'none (a channel needs two ends)'}"]
                return "\n".join(lines)
    return None


def channel_text(model: SystemModel, channel: Channel) -> str:
    n = model.channels.index(channel)
    lines = [f"**channel** {n}", ""] + [f"- {_end_line(end)}" for end in channel.ends]
    return "\n".join(lines)


# -- program images ----------------------------------------------------------------------------

def image_text(model: SystemModel, pd: ProtectionDomain, el: El, attr: str, target: Target) -> str | None:
    path = el.get(attr)
    if not path:
        return None
    title = f"**program image** `{path}` of `{pd.name}`"
    found = images.find_image(path, target, set())
    if found is None:
        looked = [f"- `{folder / path}`" for folder in target.search_path]
        how = "the search path" if target.search_path_configured else \
            "the system file's folder (no search path is configured)"
        return "\n".join([title, "", f"Not found: looked in {how}:", "", *looked])
    loaded = elf.load(found)
    if isinstance(loaded, ElfProblem):
        return "\n".join([title, "", f"`{found}`", "", f"Not a usable ELF: {loaded.reason}"])
    return "\n".join([title, "", *image_lines(model, pd, loaded, found, target)])


def image_lines(model: SystemModel, pd: ProtectionDomain, image: ElfImage, found: Path, target: Target) -> list[str]:
    lines = [f"- file: `{found}`", f"- machine: {image.machine_label}, {image.word_size}-bit",
             f"- entry point: `{image.entry:#x}`", "", "Segments:", ""]
    lines += table(("vaddr", "end", "size", "perms"),
                   ((f"`{s.vaddr:#x}`", f"`{s.end:#x}`", human_size(s.memsz), s.perms or "-")
                    for s in image.segments)) or ["(no loadable segments)"]
    overlaps = overlapping_maps(model, pd, image)
    if overlaps:
        lines += ["", "Maps overlapping a segment:", ""]
        lines += [f"- `{name}` at `{start:#x}`..`{end:#x}`" for name, start, end in overlaps]
    areas = images.reserved_areas(target, pd.stack_size)
    lines += ["", "Placed by the Microkit tool: " + ", ".join(
        f"{a.name} `{a.start:#x}`..`{a.end:#x}`" for a in areas)]
    return lines


def overlapping_maps(model: SystemModel, pd: ProtectionDomain, image: ElfImage) -> list[tuple[str, int, int]]:
    """The PD's maps whose span meets a loadable segment (rounded up to pages, as the tool does)."""
    spans = [(s.vaddr, s.vaddr + -(-s.memsz // images.PAGE) * images.PAGE) for s in image.segments if s.memsz]
    sizes = {mr.name: mr.size for mr in model.mrs}
    out = []
    for m in pd.maps:
        size = sizes.get(m.mr)
        if m.vaddr is None or size is None:
            continue
        start, end = m.vaddr, m.vaddr + size
        if any(start < s_end and s_start < end for s_start, s_end in spans):
            out.append((m.mr or "?", start, end))
    return out


def hover_range(model: SystemModel, el: El, attr: str | None) -> Range:
    return model.range_of(el, attr) if attr is not None else model.start_tag_range(el)
