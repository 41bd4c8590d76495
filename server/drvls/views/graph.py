"""The drawable graph of a view: nodes, edges and role groups, for Graphviz and for ELK alike.

Memory shared by two domains is one edge between them (all such regions of the pair on one
label); a region three or more domains map becomes a node of its own with an edge to each.
IRQs and device regions are small nodes pointing into their domain. A pair joined by a channel
and by shared memory gets one edge, the channel's, marked as sharing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from drvls.views.model import Place, SystemView

ROLES = ("driver", "virtualiser", "client")


@dataclass
class GNode:
    id: str
    label: str
    kind: str  # pd | vm | instance | hardware | region | irq | device
    title: str = ""  # second line: priority, budget…
    parent: str | None = None  # enclosing node (child PDs, VMs)
    role: str | None = None
    design: str | None = None
    place: Place | None = None


@dataclass
class GEdge:
    id: str
    source: str
    target: str
    label: str
    kind: str  # notify | ppc | event | rpc | dataport | shared | shared-w | irq | device
    directed: bool = True
    detail: str = ""  # the full text when the label is shortened
    shared: str = ""  # "shared" / "shared-w": the two ends also share (writable) memory


@dataclass
class Graph:
    nodes: list[GNode] = field(default_factory=list)
    edges: list[GEdge] = field(default_factory=list)


def build_graph(view: SystemView) -> Graph:
    g = Graph()
    ids = {d.key: f"n{i}" for i, d in enumerate(view.domains)}
    roles = {i.key: i for i in view.isolation}
    for d in view.domains:
        iso = roles.get(d.key)
        title = []
        if d.priority is not None:
            title.append(f"prio {d.priority}")
        if d.passive:
            title.append("passive")
        if d.budget is not None:
            title.append(f"budget {d.budget}" + (f"/{d.period}" if d.period is not None else ""))
        role = iso.role if iso else ("device" if d.kind == "hardware" else None)
        g.nodes.append(GNode(ids[d.key], d.name, d.kind, ", ".join(title), ids.get(d.parent or ""),
                             role, iso.design if iso else None, d.place))
        for n, irq in enumerate(d.irqs):
            g.nodes.append(GNode(f"{ids[d.key]}i{n}", irq, "irq", parent=ids.get(d.parent or ""), role=role))
            g.edges.append(GEdge(f"{ids[d.key]}ie{n}", f"{ids[d.key]}i{n}", ids[d.key], "", "irq"))
        for n, dev in enumerate(d.devices):
            g.nodes.append(GNode(f"{ids[d.key]}d{n}", dev, "device", parent=ids.get(d.parent or ""), role=role))
            g.edges.append(GEdge(f"{ids[d.key]}de{n}", f"{ids[d.key]}d{n}", ids[d.key], "", "device"))
    for n, link in enumerate(view.links):
        if link.source in ids and link.target in ids and link.kind != "dataport":
            g.edges.append(GEdge(f"l{n}", ids[link.source], ids[link.target], link.label, link.kind,
                                 link.kind != "notify" or "→" in link.label))
    _shared(view, g, ids)
    return g


def _shared(view: SystemView, g: Graph, ids: dict[str, str]) -> None:
    users: dict[str, list[tuple[str, str]]] = {}
    for d in view.domains:
        for a in d.accesses:
            users.setdefault(a.region, []).append((d.key, a.perms))
    pairs: dict[tuple[str, str], list[str]] = {}
    writable_pairs: set[tuple[str, str]] = set()
    for n, (region, found) in enumerate(users.items()):
        keys = list(dict.fromkeys(k for k, _ in found))
        if len(keys) < 2:
            continue
        writable = any("w" in p for _, p in found)
        if len(keys) == 2:
            pair = (keys[0], keys[1])
            perms = "/".join(p for _, p in found)
            pairs.setdefault(pair, []).append(f"{region} ({perms})")
            if writable:
                writable_pairs.add(pair)
            continue
        rid = f"r{n}"
        g.nodes.append(GNode(rid, region, "region", "shared by " + str(len(keys))))
        for k, perms in found:
            g.edges.append(GEdge(f"{rid}e{k}", ids[k], rid, perms, "shared-w" if writable else "shared", False))
    links = {frozenset((e.source, e.target)): e for e in g.edges if e.kind not in ("irq", "device")}
    for n, (pair, regions) in enumerate(pairs.items()):
        kind = "shared-w" if pair in writable_pairs else "shared"
        link = links.get(frozenset((ids[pair[0]], ids[pair[1]])))
        if link is not None:  # one edge per pair: the channel, marked as sharing memory too
            link.shared = kind
            link.label += f" · {len(regions)} shared" if len(regions) > 1 else f" · {regions[0]}"
            link.detail = f"{link.label}: " + ", ".join(regions)
            continue
        label = regions[0] if len(regions) <= 2 and len(", ".join(regions)) < 48 else f"{len(regions)} shared regions"
        if len(regions) == 2 and label == regions[0]:
            label = ", ".join(regions)
        g.edges.append(GEdge(f"s{n}", ids[pair[0]], ids[pair[1]], label, kind, False, ", ".join(regions)))
