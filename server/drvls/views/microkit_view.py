"""The view model of a Microkit system, from the analyzer's typed model (`microkit.snapshot.SystemModel`)."""

from __future__ import annotations

from collections.abc import Callable

from drvls.core.text import LineIndex
from drvls.microkit import elf, images
from drvls.microkit.elf import ElfProblem
from drvls.microkit.model import End, Map, MemoryRegion, ProtectionDomain
from drvls.microkit.snapshot import SystemModel
from drvls.microkit.target import Target
from drvls.microkit.values import parse_bool, parse_number, round_up
from drvls.microkit.xmltree import Anchor, El
from drvls.views import isolation, memory
from drvls.views.model import Access, AddressSpace, Domain, Link, Place, Region, Span, SystemView


class _Places:
    def __init__(self, text: str, path: str | None, base_of: Callable[[Anchor], int]) -> None:
        self.index = LineIndex(text)
        self.path = path
        self.base_of = base_of  # where an element's anchor sits in this snapshot's text

    def of(self, el: El) -> Place:
        pos = self.index.position(self.base_of(el.anchor) + el.start)
        return Place(self.path, pos.line, pos.character)


def _number(el: El, attr: str) -> int | None:
    raw = el.get(attr)
    value = parse_number(raw) if raw is not None else None
    return value if isinstance(value, int) else None


def _perms(m: Map) -> str:
    perms = m.el.get("perms")
    return "rw" if perms is None else perms


def _cached(m: Map) -> bool:
    raw = m.el.get("cached")
    return True if raw is None else bool(parse_bool(raw))


def build(system: SystemModel, target: Target, text: str, name: str, path: str | None) -> SystemView:
    places = _Places(text, path, system.base_of)
    regions = {mr.name: mr for mr in system.mrs if mr.name is not None}
    iomapped = {m.mr for space in system.spaces for m in space.maps if m.mr is not None}
    domains: list[Domain] = []
    spaces: list[AddressSpace] = []
    for top in system.pds:
        _add_pd(top, None, domains, spaces, places, regions, iomapped, target)
    links = tuple(_links(system, places, {d.name for d in domains if d.kind == "pd"}))
    doms = tuple(domains)
    region_views = tuple(Region(mr.name, mr.size, mr.phys_addr, mr.page_size, places.of(mr.el))
                         for mr in system.mrs if mr.name is not None)
    physical = memory.lay_out([Span(r.phys_addr, r.size, "region", r.name, region=r.name)
                               for r in region_views if r.phys_addr is not None])
    return SystemView("microkit", name, doms, links, region_views, tuple(spaces), physical,
                      isolation.classify(doms, links))


def _add_pd(pd: ProtectionDomain, parent: str | None, domains: list[Domain], spaces: list[AddressSpace],
            places: _Places, regions: dict[str, MemoryRegion], iomapped: set[str], target: Target) -> None:
    if pd.name is None:
        return
    key = f"pd:{pd.name}"
    el = pd.el
    accesses = tuple(Access(m.mr, _perms(m), m.vaddr, _cached(m)) for m in pd.maps if m.mr is not None)
    devices = tuple(dict.fromkeys(m.mr for m in pd.maps if m.mr is not None
                                  and m.mr in regions and regions[m.mr].phys_addr is not None))
    irqs = tuple(_irq_label(i.number, i.number_attr, i.id) for i in pd.irqs)
    details = [("priority", str(pd.priority))]
    for attr in ("budget", "period", "passive", "cpu", "domain"):
        if el.get(attr) is not None:
            details.append((attr, str(el.get(attr))))
    if pd.child_id is not None:
        details.append(("child id", str(pd.child_id)))
    domains.append(Domain(key, pd.name, "pd", parent, pd.priority, parse_bool(el.get("passive") or "") is True,
                          _number(el, "budget"), _number(el, "period"), accesses, irqs, devices,
                          tuple(r for r in dict.fromkeys(a.region for a in accesses) if r in iomapped),
                          tuple(details), places.of(el)))
    spans = [_map_span(m, regions) for m in pd.maps]
    spans += memory.microkit_top(target.user_vspace_top, pd.stack_size)
    spans += _image_spans(pd, target)
    spaces.append(AddressSpace(key, pd.name, memory.lay_out(spans)))
    vm = pd.vm
    if vm is not None and vm.name is not None:
        vm_key = f"vm:{vm.name}"
        vm_acc = tuple(Access(m.mr, _perms(m), m.vaddr, _cached(m)) for m in vm.maps if m.mr is not None)
        passthrough = tuple(dict.fromkeys(a.region for a in vm_acc
                                          if a.region in regions and regions[a.region].phys_addr is not None))
        domains.append(Domain(vm_key, vm.name, "vm", key, None, False, None, None, vm_acc, devices=passthrough,
                              details=(("vcpus", str(len(vm.vcpus))),), place=places.of(vm.el)))
        spaces.append(AddressSpace(vm_key, vm.name, memory.lay_out([_map_span(m, regions) for m in vm.maps]),
                                   "guest physical addresses"))
    for child in pd.children:
        _add_pd(child, key, domains, spaces, places, regions, iomapped, target)


def _irq_label(number: int | None, attr: str, id_: int | None) -> str:
    what = {"irq": "irq", "pin": "ioapic pin", "vector": "msi vector"}.get(attr, attr)
    return f"{what} {number if number is not None else '?'} (id {id_ if id_ is not None else '?'})"


def _image_spans(pd: ProtectionDomain, target: Target) -> list[Span]:
    """The loadable segments of the PD's program image, when it is found (as the build-time checks
    find it) and built for the target, each rounded up to whole pages as the tool maps it."""
    path = pd.program_image.get("path") if pd.program_image is not None else None
    found = images.find_image(path, target, set()) if path else None
    image = elf.load(found) if found is not None else None
    if image is None or isinstance(image, ElfProblem) or image.machine != elf.MACHINES[target.arch]:
        return []
    return [Span(s.vaddr, round_up(s.memsz, memory.PAGE), "segment", f"{path} ({s.perms or '-'})", s.perms)
            for s in image.segments if s.memsz]


def _map_span(m: Map, regions: dict[str, MemoryRegion]) -> Span:
    found = regions.get(m.mr or "")
    size = found.size if found is not None else None
    return Span(m.vaddr, size, "map", m.mr or "?", _perms(m), _cached(m), m.mr)


def _calls(a: End, b: End, servers: set[str | None], priority: dict[str | None, int]) -> bool:
    """Whether end `a` calls end `b`: `pp` on an end, or (before Microkit 2.0) `pp` on the higher PD."""
    if a.pp or b.pp:
        return a.pp
    if (a.pd in servers) != (b.pd in servers):
        return b.pd in servers
    return priority.get(a.pd, 0) < priority.get(b.pd, 0)


def _links(system: SystemModel, places: _Places, known: set[str]) -> list[Link]:
    out: list[Link] = []
    every = [pd for top in system.pds for pd in top.walk()]
    legacy_servers = {pd.name for pd in every if pd.legacy_pp}
    priority = {pd.name: pd.priority for pd in every}
    for n, ch in enumerate(system.channels):
        if len(ch.ends) != 2 or any(e.pd not in known for e in ch.ends):
            continue
        a, b = ch.ends
        key = f"channel:{n}"
        if a.pp or b.pp or a.pd in legacy_servers or b.pd in legacy_servers:
            caller, callee = (a, b) if _calls(a, b, legacy_servers, priority) else (b, a)
            out.append(Link(key, "ppc", f"pd:{caller.pd}", f"pd:{callee.pd}",
                            f"ppc {caller.id} → {callee.id}", caller.id, callee.id, places.of(ch.el)))
            continue
        can_a, can_b = (parse_bool(e.el.get("notify") or "true") is not False for e in ch.ends)
        src, dst = (b, a) if can_b and not can_a else (a, b)
        arrow = "↔" if can_a and can_b else "→"
        out.append(Link(key, "notify", f"pd:{src.pd}", f"pd:{dst.pd}", f"{src.id} {arrow} {dst.id}",
                        src.id, dst.id, places.of(ch.el)))
    return out
