"""The view model of a CAmkES assembly, from the resolved program the analyzer checked.

Instances are the domains, connections the links (labelled by connector), dataports the shared
memory, hardware components the devices: an MMIO dataport of a hardware instance is a device
region of the instance it connects to, and a hardware interrupt event is that instance's IRQ.
Virtual addresses are chosen when the system is built, so address spaces list sizes only.
"""

from __future__ import annotations

import re

from drvls.camkes import model as m
from drvls.camkes.flatten import FlatAssembly, FlatConnection, FlatInstance, flatten
from drvls.camkes.index import CamkesModel
from drvls.views import isolation, memory
from drvls.views.model import Access, AddressSpace, Domain, Link, Place, Region, Span, SystemView

DEFAULT_DATAPORT = 4096  # camkes-tool's size of a plain `Buf`
_BUF = re.compile(r"Buf\s*\(\s*(0x[0-9a-fA-F]+|[0-9]+)\s*\)")


def place(loc: m.Loc) -> Place:
    return Place(str(loc.path) if loc.path is not None else None, loc.range.start.line, loc.range.start.character)


def assembly_of(program: CamkesModel) -> FlatAssembly | None:
    assemblies = [item for item in program.items if isinstance(item, m.Assembly)]
    return flatten(assemblies, program.resolution) if assemblies else None


class _Settings:
    def __init__(self, flat: FlatAssembly) -> None:
        self.values: dict[tuple[str, str], m.Value | None] = {}
        for fs in flat.settings:
            self.values[(fs.target, fs.setting.attribute)] = fs.setting.value

    def number(self, target: str, attribute: str) -> int | None:
        value = self.values.get((target, attribute))
        if isinstance(value, int):
            return value
        if isinstance(value, str):
            try:
                return int(value, 0)
            except ValueError:
                return None
        return None

    def text(self, target: str, attribute: str) -> str | None:
        value = self.values.get((target, attribute))
        return value if isinstance(value, str) else None


def _size(iface: m.Interface, settings: _Settings, owner: str) -> int | None:
    given = settings.number(owner, f"{iface.name}_size")
    if given is not None:
        return given
    found = _BUF.search(iface.type_text)
    if found:
        return int(found.group(1), 0)
    return DEFAULT_DATAPORT if iface.type_text.strip() == "Buf" else None


def _perms(settings: _Settings, inst: FlatInstance, iface: m.Interface) -> str:
    access = settings.text(inst.name, f"{iface.name}_access")
    return access.lower() if access else "rw"


def build(program: CamkesModel, name: str) -> SystemView:
    flat = assembly_of(program)
    if flat is None:
        return SystemView("camkes", name, (), (), (), notes=("no assembly: nothing to draw",))
    settings = _Settings(flat)
    hardware = {fi.name for fi in flat.instances if fi.component.hardware}
    compound = {fi.name for fi in flat.instances if fi.component.composition is not None}
    accesses: dict[str, list[Access]] = {fi.name: [] for fi in flat.instances}
    irqs: dict[str, list[str]] = {fi.name: [] for fi in flat.instances}
    devices: dict[str, list[str]] = {fi.name: [] for fi in flat.instances}
    regions: dict[str, Region] = {}
    links: list[Link] = []
    for conn in flat.connections:
        _connection(conn, settings, hardware, accesses, irqs, devices, regions, links)
    domains = []
    spaces = []
    for fi in flat.instances:
        parent = fi.name.rpartition(".")[0]
        kind = "hardware" if fi.name in hardware else "instance"
        details = [("component", fi.component.name or "?"), ("address space", fi.address_space)]
        domains.append(Domain(f"camkes:instance:{fi.name}", fi.name, kind,
                              f"camkes:instance:{parent}" if parent in compound else None,
                              settings.number(fi.name, "priority"), False, None, None,
                              tuple(accesses[fi.name]), tuple(irqs[fi.name]), tuple(devices[fi.name]), (),
                              tuple(details), place(fi.loc)))
        if kind == "instance":
            spans = [Span(None, regions[a.region].size, "dataport", a.region, a.perms, None, a.region)
                     for a in accesses[fi.name]]
            spaces.append(AddressSpace(f"camkes:instance:{fi.name}", fi.name, memory.lay_out(spans),
                                       "virtual addresses are chosen at build time"))
    doms = tuple(domains)
    classified = isolation.classify(tuple(d for d in doms if d.kind != "hardware"), tuple(links))
    region_list = tuple(regions.values())
    physical = memory.lay_out([Span(r.phys_addr, r.size, "region", r.name, region=r.name)
                               for r in region_list if r.phys_addr is not None])
    return SystemView("camkes", name, doms, tuple(links), region_list, tuple(spaces), physical, classified)


def _connection(conn: FlatConnection, settings: _Settings, hardware: set[str],
                accesses: dict[str, list[Access]], irqs: dict[str, list[str]], devices: dict[str, list[str]],
                regions: dict[str, Region], links: list[Link]) -> None:
    kind = conn.connector.from_end.kind
    connector = conn.connector.name or "?"
    ends = [e for e in conn.ends if e.instance is not None]
    hw_ends = [e for e in ends if e.instance is not None and e.instance.name in hardware]
    key = f"camkes:connection:{conn.name}"
    if kind == "Dataport":
        region = conn.name
        size = None
        paddr = None
        for e in ends:
            assert e.instance is not None
            size = size or _size(e.interface, settings, e.instance.name)
            if e.instance.name in hardware:
                paddr = settings.number(e.instance.name, f"{e.interface.name}_paddr")
        regions[region] = Region(region, size, paddr, None, place(conn.loc))
        for e in ends:
            assert e.instance is not None
            if e.instance.name in hardware:
                continue
            accesses[e.instance.name].append(Access(region, _perms(settings, e.instance, e.interface)))
            if hw_ends:
                devices[e.instance.name].append(region)
    elif kind == "Event" and hw_ends:
        for e in ends:
            assert e.instance is not None
            if e.instance.name not in hardware:
                hw = hw_ends[0]
                assert hw.instance is not None
                number = settings.number(hw.instance.name, f"{hw.interface.name}_irq_number")
                irqs[e.instance.name].append(f"irq {number if number is not None else '?'} ({conn.name})")
    sources = [e for e in conn.side("from") if e.instance is not None]
    targets = [e for e in conn.side("to") if e.instance is not None]
    link_kind = {"Procedure": "rpc", "Event": "event", "Dataport": "dataport"}.get(kind, "rpc")
    for s in sources:
        for t in targets:
            assert s.instance is not None and t.instance is not None
            links.append(Link(key if len(sources) * len(targets) == 1 else f"{key}#{len(links)}", link_kind,
                              f"camkes:instance:{s.instance.name}", f"camkes:instance:{t.instance.name}",
                              f"{conn.name}: {connector}", place=place(conn.loc)))
