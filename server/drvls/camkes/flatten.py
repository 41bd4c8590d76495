"""The merged, flattened assembly camkes-tool validates (stages 5, 6, 7 and 9).

Groups collapse into the composition (s5), all assemblies merge into the first (s6), compound
components are expanded with `outer.inner` names and their exports become aliases (s7), and
connections sharing an end merge into one N-way connection named after all of them (s9).
Locations stay those of the written text, so problems point where the user can fix them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from drvls.camkes import codes
from drvls.camkes import model as m
from drvls.camkes.model import Problem
from drvls.camkes.resolve import Resolution

MAX_DEPTH = 32


@dataclass(eq=False)
class FlatInstance:
    name: str
    component: m.Component
    loc: m.Loc
    address_space: str


@dataclass
class FlatEnd:
    side: str
    instance: FlatInstance | None
    interface: m.Interface
    loc: m.Loc
    procedure: m.Procedure | None = None  # the interface's procedure, as this app resolves it


@dataclass(eq=False)
class FlatConnection:
    name: str
    connector: m.Connector
    ends: list[FlatEnd]
    loc: m.Loc
    names: list[str] = field(default_factory=list)

    def side(self, side: str) -> list[FlatEnd]:
        return [e for e in self.ends if e.side == side]


@dataclass(eq=False)
class FlatSetting:
    setting: m.Setting
    target: str


@dataclass
class FlatAssembly:
    loc: m.Loc
    instances: list[FlatInstance] = field(default_factory=list)
    connections: list[FlatConnection] = field(default_factory=list)
    settings: list[FlatSetting] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    by_name: dict[str, FlatInstance] = field(default_factory=dict)
    complete: bool = True
    # Components being expanded, to catch one containing itself.
    expanding: list[int] = field(default_factory=list)  # False when unresolved names left holes
    table: Resolution = field(default_factory=Resolution)
    declared: int = 0  # instances written in the assemblies, resolved or not


def flatten(assemblies: list[m.Assembly], table: Resolution) -> FlatAssembly:
    flat = FlatAssembly(assemblies[0].loc, table=table)
    unnamed = 0
    for assembly in assemblies:
        if assembly.composition is not None:
            comp = assembly.composition
            owners: dict[int, FlatInstance] = {}
            flat.declared += len(comp.instances) + sum(len(g.instances) for g in comp.groups)
            for inst in comp.instances:
                _expand(flat, inst, inst.name, inst.name, owners, 0)
            for grp in comp.groups:
                space = grp.name
                if space is None:
                    space = f"unamed_group_{unnamed}"
                    unnamed += 1
                for inst in grp.instances:
                    _expand(flat, inst, inst.name, space, owners, 0)
            for conn in comp.connections:
                _connection(flat, conn, "", owners, None)
        if assembly.configuration is not None:
            flat.settings.extend(FlatSetting(s, s.target) for s in assembly.configuration.settings)
    flat.connections = merge_nway(flat)
    return flat


def _expand(flat: FlatAssembly, inst: m.Instance, name: str, space: str,
            owners: dict[int, FlatInstance], depth: int) -> FlatInstance | None:
    comp = flat.table.component(inst)
    if comp is None:
        flat.complete = False
        return None
    if id(comp) in flat.expanding:
        flat.problems.append(Problem(codes.AST_CYCLE, f"AST cycle involving entity {comp.name}", inst.loc))
        flat.complete = False
        return None
    fi = FlatInstance(name, comp, inst.loc, space)
    flat.instances.append(fi)
    flat.by_name.setdefault(name, fi)
    owners[id(inst)] = fi
    if comp.composition is not None and depth < MAX_DEPTH:
        flat.expanding.append(id(comp))
        inner_owners: dict[int, FlatInstance] = {}
        for sub in comp.composition.instances:
            _expand(flat, sub, f"{name}.{sub.name}", f"{name}.{sub.name}", inner_owners, depth + 1)
        for grp in comp.composition.groups:
            for sub in grp.instances:
                space = f"{name}.{grp.name}"
                _expand(flat, sub, f"{name}.{sub.name}", space, inner_owners, depth + 1)
        for conn in comp.composition.connections:
            _connection(flat, conn, f"{name}.", inner_owners, fi)
        flat.expanding.pop()
    if comp.configuration is not None:
        for s in comp.configuration.settings:
            flat.settings.append(FlatSetting(s, f"{name}.{s.target}"))
    return fi


def _aliased(flat: FlatAssembly, inst: FlatInstance, iface: m.Interface,
             depth: int = 0) -> tuple[FlatInstance, m.Interface]:
    """Follow `export inner.x -> y;` from an outer interface to the inner instance's interface."""
    comp = inst.component.composition
    if comp is None or depth > MAX_DEPTH:
        return inst, iface
    for export in comp.exports:
        if export.destination[-1] != iface.name or len(export.source) < 2:
            continue
        candidate = flat.by_name.get(f"{inst.name}.{export.source[-2]}")
        if candidate is not None:
            inner_iface = candidate.component.interface(export.source[-1])
            if inner_iface is not None:
                return _aliased(flat, candidate, inner_iface, depth + 1)
    return inst, iface


def _connection(flat: FlatAssembly, conn: m.Connection, prefix: str, owners: dict[int, FlatInstance],
                outer: FlatInstance | None) -> None:
    connector = flat.table.connector(conn)
    if connector is None:
        flat.complete = False
        return
    ends: list[FlatEnd] = []
    for end in conn.ends:
        written = flat.table.end_interface(end)
        if written is None:
            flat.complete = False
            return
        owner = flat.table.end_instance(end)
        inst = owners.get(id(owner)) if owner is not None else None
        if owner is not None and inst is None:
            flat.complete = False
            return
        if inst is None and outer is None:
            flat.problems.append(Problem(codes.TOP_LEVEL_END, "top-level connection end with no instance",
                                         end.loc))
            return
        iface = written
        if inst is not None:
            inst, iface = _aliased(flat, inst, iface)
        ends.append(FlatEnd(end.side, inst if inst is not None else outer, iface, end.loc,
                            flat.table.procedure(iface)))
    flat.connections.append(FlatConnection(prefix + conn.name, connector, ends, conn.loc, [conn.name]))


def _end_key(end: FlatEnd) -> tuple[int, int]:
    return (id(end.instance), id(end.interface))


def merge_nway(flat: FlatAssembly) -> list[FlatConnection]:
    """Stage 9: connections sharing an end become one; different connectors there are an error."""
    groups: list[list[FlatConnection]] = []
    by_end: dict[tuple[int, int], list[FlatConnection]] = {}
    for conn in flat.connections:
        for end in conn.ends:
            by_end.setdefault(_end_key(end), []).append(conn)
    parent: dict[int, int] = {id(c): id(c) for c in flat.connections}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for conns in by_end.values():
        for other in conns[1:]:
            parent[find(id(other))] = find(id(conns[0]))
    buckets: dict[int, list[FlatConnection]] = {}
    for conn in flat.connections:
        buckets.setdefault(find(id(conn)), []).append(conn)
    out: list[FlatConnection] = []
    for conns in buckets.values():
        if len(conns) == 1:
            out.append(conns[0])
            continue
        groups.append(conns)
        first = conns[0]
        mismatch = next((c for c in conns[1:] if c.connector is not first.connector), None)
        if mismatch is not None:
            flat.problems.append(Problem(
                codes.MULTIPLE_CONNECTORS,
                f"Multiple connectors used in connections involving {mismatch.name}. "
                f"({first.connector.name}, {mismatch.connector.name})",
                mismatch.loc, [(first.loc, f"connection {first.name} uses {first.connector.name}")]))
            out.extend(conns)
            continue
        ends: list[FlatEnd] = []
        seen: set[tuple[str, int, int]] = set()
        for conn in conns:
            for end in conn.ends:
                key = (end.side, *_end_key(end))
                if key not in seen:
                    seen.add(key)
                    ends.append(end)
        name = ".".join(sorted(c.name for c in conns))
        out.append(FlatConnection(name, first.connector, ends, first.loc, [c.name for c in conns]))
    return out
