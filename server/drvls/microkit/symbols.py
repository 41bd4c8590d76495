"""The Microkit symbol index: every name a `.system` defines or uses, at the range of its attribute value.

Keys: `pd:NAME` (child PDs included), `vm:NAME`, `mr:NAME`, `domain:NAME`, `channel:N` (the N-th
`<channel>`, 0-based). References: `map@mr`, `iomap@mr`, `setvar@region_paddr` → `mr:`; channel
`end@pd` and cspace caps → `pd:`; schedule entries and a PD's `domain` → `domain:`.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from drvls.core.diagnostics import Range
from drvls.core.symbols import Link, OutlineNode, Reference, Symbol, SymbolIndex, SymbolKind
from drvls.microkit.model import Channel, Map, ProtectionDomain
from drvls.microkit.snapshot import SystemModel
from drvls.microkit.xmltree import El


class _Builder:
    def __init__(self, model: SystemModel) -> None:
        self.model = model
        self.path = model.path
        self.definitions: list[Symbol] = []
        self.references: list[Reference] = []
        self.links: list[Link] = []
        self.mr_names = {mr.name for mr in model.mrs if mr.name is not None}
        self.pd_names = {pd.name for pd in model.all_pds() if pd.name is not None}
        self.domain_names = {d.get("name") for dom in model.domains for d in dom.el.children
                             if d.tag == "domain" and d.get("name") is not None}
        # channel ends per PD name, for the PD's outline
        self.ends_by_pd: dict[str, list[tuple[int, El, str]]] = {}

    def symbol(self, key: str, name: str, kind: SymbolKind, el: El, attr: str | None, container: str | None = None,
               detail: str = "", define: bool = True) -> Symbol:
        name_range = self.model.range_of(el, attr) if attr and attr in el.attrs else self.model.start_tag_range(el)
        symbol = Symbol(key, name, kind, name_range, self.model.range_of(el), self.path, container, detail)
        if define:
            self.definitions.append(symbol)
        return symbol

    def reference(self, key_prefix: str, el: El, attr: str, kind: SymbolKind, known: AbstractSet[str | None]) -> None:
        name = el.get(attr)
        if name is None:
            return
        self.references.append(Reference(f"{key_prefix}:{name}", name, self.model.range_of(el, attr), self.path, kind,
                                         name in known))

    def link(self, el: El, attr: str) -> None:
        value = el.get(attr)
        if not value or self.path is None:
            return
        self.links.append(Link(self.model.range_of(el, attr), self.path.parent / value))

    def build(self) -> SymbolIndex:
        model = self.model
        channel_nodes = [self.channel(n, channel) for n, channel in enumerate(model.channels)]
        region_nodes = []
        for mr in model.mrs:
            if mr.name is None:
                continue
            detail = f"size {mr.size:#x}" if mr.size is not None else ""
            region_nodes.append(OutlineNode(self.symbol(f"mr:{mr.name}", mr.name, SymbolKind.MEMORY_REGION, mr.el,
                                                        "name", detail=detail)))
            self.link(mr.el, "prefill_path")
        pd_nodes = [self.pd(pd, None) for pd in model.pds]
        space_nodes = [self.space(n, space.el) for n, space in enumerate(model.spaces)]
        domain_nodes = [node for domains in model.domains for node in self.domains(domains.el)]
        outline = sorted([*pd_nodes, *region_nodes, *channel_nodes, *space_nodes, *domain_nodes],
                         key=lambda node: node.symbol.full_range.start)
        folds = tuple(_folds(model))
        definitions = tuple(sorted(self.definitions, key=lambda d: (d.range.start, d.range.end)))
        references = tuple(sorted(self.references, key=lambda r: (r.range.start, r.range.end)))
        return SymbolIndex(path=self.path, definitions=definitions, references=references,
                           outline=tuple(outline), links=tuple(self.links), folds=folds)

    def pd(self, pd: ProtectionDomain, parent: str | None) -> OutlineNode:
        key = f"pd:{pd.name}" if pd.name is not None else f"pd:#{pd.el.start}"
        symbol = self.symbol(key, pd.name or "<unnamed>", SymbolKind.PROTECTION_DOMAIN, pd.el, "name", parent,
                             f"priority {pd.priority}", define=pd.name is not None)
        children: list[OutlineNode] = []
        self.reference("domain", pd.el, "domain", SymbolKind.SYSTEM, self.domain_names)
        for child in pd.el.children:
            if child.tag == "program_image":
                self.link(child, "path")
                self.link(child, "path_for_symbols")
                children.append(OutlineNode(self.symbol(f"{key}/program_image", child.get("path") or "",
                                                        SymbolKind.PROGRAM_IMAGE, child, "path", key, define=False)))
            elif child.tag == "irq":
                number = child.get("irq") or child.get("pin") or child.get("pcidev") or ""
                children.append(OutlineNode(self.symbol(f"{key}/irq:{child.start}", f"irq {number}", SymbolKind.IRQ,
                                                        child, "id", key, f"id {child.get('id') or ''}",
                                                        define=False)))
            elif child.tag == "setvar":
                self.reference("mr", child, "region_paddr", SymbolKind.MEMORY_REGION, self.mr_names)
            elif child.tag == "cspace":
                for cap in child.children:
                    self.reference("pd", cap, "pd", SymbolKind.PROTECTION_DOMAIN, self.pd_names)
        children.extend(self.map_node(m, key) for m in pd.maps)
        for n, end_el, other in self.ends_by_pd.get(pd.name or "", []):
            children.append(OutlineNode(self.symbol(f"channel:{n}", f"channel {n} → {other}", SymbolKind.CHANNEL,
                                                    end_el, "id", key, define=False)))
        children.extend(self.pd(child_pd, key) for child_pd in pd.children)
        if pd.vm is not None:
            vm = pd.vm
            vm_key = f"vm:{vm.name}"
            vm_symbol = self.symbol(vm_key, vm.name or "<unnamed>", SymbolKind.VIRTUAL_MACHINE, vm.el, "name", key,
                                    define=vm.name is not None)
            children.append(OutlineNode(vm_symbol, tuple(self.map_node(m, vm_key) for m in vm.maps)))
        children.sort(key=lambda node: node.symbol.full_range.start)
        return OutlineNode(symbol, tuple(children))

    def map_node(self, m: Map, container: str) -> OutlineNode:
        self.reference("mr", m.el, "mr", SymbolKind.MEMORY_REGION, self.mr_names)
        detail = f"vaddr {m.vaddr:#x}" if m.vaddr is not None else ""
        return OutlineNode(self.symbol(f"{container}/map:{m.el.start}", m.mr or "", SymbolKind.MAP, m.el, "mr",
                                       container, detail, define=False))

    def channel(self, n: int, channel: Channel) -> OutlineNode:
        key = f"channel:{n}"
        names = [end.pd or "?" for end in channel.ends]
        symbol = self.symbol(key, " ↔ ".join(names) or f"channel {n}", SymbolKind.CHANNEL, channel.el, None,
                             detail=f"channel {n}")
        ends = []
        for i, end in enumerate(channel.ends):
            self.reference("pd", end.el, "pd", SymbolKind.PROTECTION_DOMAIN, self.pd_names)
            other = names[1 - i] if len(names) == 2 else "?"
            if end.pd is not None:
                self.ends_by_pd.setdefault(end.pd, []).append((n, end.el, other))
            ends.append(OutlineNode(self.symbol(f"{key}/end:{i}", end.pd or "?", SymbolKind.CHANNEL_END, end.el,
                                                "pd", key, f"id {end.id}" if end.id is not None else "",
                                                define=False)))
        return OutlineNode(symbol, tuple(ends))

    def space(self, n: int, el: El) -> OutlineNode:
        key = f"io_address_space:{n}"
        symbol = self.symbol(key, el.get("name") or f"io_address_space {n}", SymbolKind.SYSTEM, el, "name",
                             define=False)
        maps = []
        for child in el.children:
            if child.tag == "iomap":
                self.reference("mr", child, "mr", SymbolKind.MEMORY_REGION, self.mr_names)
                maps.append(OutlineNode(self.symbol(f"{key}/iomap:{child.start}", child.get("mr") or "",
                                                    SymbolKind.MAP, child, "mr", key, define=False)))
        return OutlineNode(symbol, tuple(maps))

    def domains(self, el: El) -> list[OutlineNode]:
        nodes = []
        for child in el.children:
            if child.tag == "domain" and child.get("name") is not None:
                name = child.get("name") or ""
                nodes.append(OutlineNode(self.symbol(f"domain:{name}", name, SymbolKind.SYSTEM, child, "name",
                                                     detail=f"id {child.get('id') or ''}")))
            elif child.tag == "domain_schedule":
                for entry in child.children:
                    self.reference("domain", entry, "domain", SymbolKind.SYSTEM, self.domain_names)
        return nodes


def _folds(model: SystemModel) -> list[Range]:
    """Each element spanning several lines (`<system>` included)."""
    out = []
    system = model.range_of(model.system)
    if system.start.line != system.end.line:
        out.append(system)
    for el in model.elements():
        found = model.range_of(el)
        if found.start.line != found.end.line:
            out.append(found)
    return out


def build_index(model: SystemModel) -> SymbolIndex:
    return _Builder(model).build()

