"""Name resolution (camkes-tool stage 4): one global namespace filled in import order, nested scopes.

Unlike camkes-tool, a failed lookup does not stop the run: it is recorded and the reference
stays unresolved, so every unknown name and duplicate in the app is reported at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from drvls.camkes import codes
from drvls.camkes import model as m
from drvls.camkes.model import Problem

Scope = dict[str, dict[str, Any]]
GROUP_OR_INSTANCE = "group/component"


def kind_of(obj: Any) -> str:
    if isinstance(obj, (m.Instance, m.Group)):
        return GROUP_OR_INSTANCE
    if isinstance(obj, m.Interface):
        return obj.kind
    return type(obj).__name__


def where(loc: m.Loc) -> str:
    """`file:line` as camkes-tool prints it (we print the file's name, not the build's path)."""
    return f"{loc.path.name if loc.path else '<unnamed>'}:{loc.line}"


@dataclass
class Resolution:
    """The per-app side table: each reference → the declaration it names, and back.

    Parsed files are shared, immutable values, so what a name means in one app is kept here
    and never written into them. Keys are object identities; the referrers are kept too, so
    an identity is never reused while the table lives.
    """

    _targets: dict[tuple[int, str], tuple[Any, Any]] = field(default_factory=dict)
    _groups: dict[int, tuple[m.Instance, str | None]] = field(default_factory=dict)
    # Every name use in resolution order: (where, the name, what it means or None, the kind expected).
    uses: list[tuple[m.Loc, str, Any, str]] = field(default_factory=list)

    def bind(self, referrer: Any, role: str, declaration: Any) -> None:
        self._targets[(id(referrer), role)] = (referrer, declaration)

    def _get(self, referrer: Any, role: str) -> Any | None:
        hit = self._targets.get((id(referrer), role))
        return hit[1] if hit is not None and hit[0] is referrer else None

    def note(self, loc: m.Loc, name: str, declaration: Any, kind: str) -> None:
        self.uses.append((loc, name, declaration, kind))

    def component(self, inst: m.Instance) -> m.Component | None:
        if isinstance(inst.type, m.Component):
            return inst.type
        found = self._get(inst.type, "ref")
        return found if isinstance(found, m.Component) else None

    def procedure(self, iface: m.Interface) -> m.Procedure | None:
        found = self._get(iface.type, "ref") if isinstance(iface.type, m.Ref) else None
        return found if isinstance(found, m.Procedure) else None

    def connector(self, conn: m.Connection) -> m.Connector | None:
        if isinstance(conn.type, m.Connector):
            return conn.type
        found = self._get(conn.type, "ref")
        return found if isinstance(found, m.Connector) else None

    def struct(self, attr: m.Attribute) -> m.Struct | None:
        if isinstance(attr.type, m.Struct):
            return attr.type
        found = self._get(attr.type, "ref") if isinstance(attr.type, m.Ref) else None
        return found if isinstance(found, m.Struct) else None

    def end_instance(self, end: m.End) -> m.Instance | None:
        found = self._get(end, "instance")
        return found if isinstance(found, m.Instance) else None

    def end_interface(self, end: m.End) -> m.Interface | None:
        found = self._get(end, "interface")
        return found if isinstance(found, m.Interface) else None

    def group(self, inst: m.Instance) -> str | None:
        hit = self._groups.get(id(inst))
        return hit[1] if hit is not None and hit[0] is inst else None


@dataclass
class Resolved:
    assemblies: list[m.Assembly] = field(default_factory=list)
    components: list[m.Component] = field(default_factory=list)
    procedures: list[m.Procedure] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    table: Resolution = field(default_factory=Resolution)


class Resolver:
    def __init__(self, allow_forward: bool) -> None:
        self.allow_forward = allow_forward
        self.scopes: list[Scope] = [{}]
        self.assembly_scope: Scope = {}
        self.out = Resolved()

    # -- scopes --------------------------------------------------------------------------

    def register(self, obj: Any, scope: Scope | None = None) -> None:
        name = getattr(obj, "name", None)
        if not name:
            return
        target = self.scopes[-1] if scope is None else scope
        kind = kind_of(obj)
        previous = target.setdefault(name, {}).get(kind)
        if previous is not None and previous is not obj:
            self.out.problems.append(Problem(
                codes.DUPLICATE_DEFINITION,
                f"duplicate definition of {kind} '{name}'; previous definition was at {where(previous.loc)}",
                obj.loc, [(previous.loc, "previous definition")]))
            return
        target[name][kind] = obj

    def lookup(self, parts: list[str], kinds: tuple[str, ...]) -> Any | None:
        for scope in (*reversed(self.scopes), self.assembly_scope):
            for found in self._lookup_in(scope, parts, kinds):
                return found
        return None

    def _lookup_in(self, scope: Scope, parts: list[str], kinds: tuple[str, ...]) -> Iterator[Any]:
        head, tail = parts[0], parts[1:]
        for candidate in scope.get(head, {}).values():
            if not tail:
                if not kinds or kind_of(candidate) in kinds:
                    yield candidate
            else:
                yield from self._lookup_in(self._members(candidate), tail, kinds)

    def _members(self, candidate: Any) -> Scope:
        """The scope inside `candidate`; an instance declared further on (forward references) has its
        type looked up now, as camkes-tool's lazy references do."""
        table = self.out.table
        if isinstance(candidate, m.Instance) and isinstance(candidate.type, m.Ref) and \
                table.component(candidate) is None:
            found = self.lookup(candidate.type.parts, ("Component",))
            if isinstance(found, m.Component):
                table.bind(candidate.type, "ref", found)
        return members(candidate, table)

    def unknown(self, ref_text: str, loc: m.Loc, name: str | None = None) -> None:
        mistyped = []
        for scope in self.scopes:
            candidate: Any
            for candidate in scope.get(name or ref_text, {}).values():
                mistyped.append(f"{where(candidate.loc)}: {candidate.name} of type {type(candidate).__name__}")
        extra = ("; entities of the same name but incorrect type: \n " + "\n ".join(mistyped)) if mistyped else ""
        self.out.problems.append(Problem(codes.UNKNOWN_REFERENCE, f"unknown reference to '{ref_text}'{extra}", loc))

    def resolve_ref(self, ref: m.Ref) -> Any | None:
        found = self.lookup(ref.parts, (ref.kind,))
        self.out.table.note(ref.loc, ref.text, found, ref.kind)
        if found is None:
            self.unknown(ref.text, ref.loc, ref.parts[0] if len(ref.parts) == 1 else None)
        else:
            self.out.table.bind(ref, "ref", found)
        return found

    # -- the walk ------------------------------------------------------------------------

    def run(self, items: list[m.Item]) -> Resolved:
        if self.allow_forward:
            for item in items:
                self.register(item)
            for assembly in (i for i in items if isinstance(i, m.Assembly)):
                if assembly.composition is not None:
                    comp = assembly.composition
                    members: list[m.Instance | m.Group | m.Connection] = [
                        *comp.instances, *comp.groups, *comp.connections]
                    for obj in members:
                        self.assembly_scope.setdefault(obj.name or "", {})[kind_of(obj)] = obj
        for item in items:
            self.top_item(item)
            if not self.allow_forward:
                self.register(item)
        return self.out

    def top_item(self, item: m.Item) -> None:
        if isinstance(item, m.Component):
            self.component(item)
        elif isinstance(item, m.Procedure):
            self.procedure(item)
        elif isinstance(item, m.Struct):
            self.struct(item)
        elif isinstance(item, m.Composition):
            self.composition(item, None, top=False)
        elif isinstance(item, m.Configuration):
            pass
        elif isinstance(item, m.Assembly):
            self.out.assemblies.append(item)
            if item.composition is not None:
                self.composition(item.composition, None, top=True)

    def attribute(self, attr: m.Attribute) -> None:
        if isinstance(attr.type, m.Ref):
            self.resolve_ref(attr.type)
        elif isinstance(attr.type, m.Struct):
            self.struct(attr.type)

    def struct(self, struct: m.Struct) -> None:
        self.scopes.append({})
        for attr in struct.attributes:
            self.attribute(attr)
            self.register(attr)
        self.scopes.pop()

    def procedure(self, proc: m.Procedure) -> None:
        self.out.procedures.append(proc)
        self.scopes.append({})
        for method in proc.methods:
            self.scopes.append({})
            for param in method.parameters:
                self.register(param)
            self.scopes.pop()
            self.register(method)
        for attr in proc.attributes:
            self.attribute(attr)
            self.register(attr)
        self.scopes.pop()

    def component(self, comp: m.Component) -> None:
        self.out.components.append(comp)
        self.scopes.append({})
        for attr in comp.attributes:
            self.attribute(attr)
            self.register(attr)
        for iface in comp.interfaces:
            if isinstance(iface.type, m.Ref):
                self.resolve_ref(iface.type)
            self.register(iface)
        if comp.composition is not None:
            self.composition(comp.composition, comp, top=False)
        self.scopes.pop()

    def instance(self, inst: m.Instance, top: bool) -> None:
        if isinstance(inst.type, m.Component):
            self.component(inst.type)
        else:
            self.resolve_ref(inst.type)
        self.register(inst)
        if top:
            self.assembly_scope.setdefault(inst.name, {})[GROUP_OR_INSTANCE] = inst

    def composition(self, comp: m.Composition, owner: m.Component | None, top: bool) -> None:
        self.scopes.append({})
        for inst in comp.instances:
            self.instance(inst, top)
        for grp in comp.groups:
            self.scopes.append({})
            for inst in grp.instances:
                self.instance(inst, False)
                self.out.table._groups[id(inst)] = (inst, grp.name)
            self.scopes.pop()
            self.register(grp)
        for conn in comp.connections:
            self.connection(conn, top)
        for export in comp.exports:
            self.export(export, owner)
        self.scopes.pop()

    def connection(self, conn: m.Connection, top: bool) -> None:
        if not isinstance(conn.type, m.Connector):
            self.resolve_ref(conn.type)
        for end in conn.ends:
            self.end(end)
        self.register(conn)
        if top:
            self.assembly_scope.setdefault(conn.name, {})["Connection"] = conn

    def end(self, end: m.End) -> None:
        table = self.out.table
        if len(end.parts) > 1:
            owner = self.lookup(end.parts[:-1], (GROUP_OR_INSTANCE,))
            iface = self.lookup(end.parts, m.CONNECTABLE)
            if isinstance(owner, m.Instance):
                table.bind(end, "instance", owner)
            table.note(_part(end, -2), end.parts[-2], owner, GROUP_OR_INSTANCE)
            if owner is None or not isinstance(iface, m.Interface):
                table.note(_part(end, -1), end.parts[-1], None, "Interface")
                self.unknown(".".join(end.parts), end.loc)
                return
        else:
            iface = self.lookup(end.parts, m.CONNECTABLE)
            if not isinstance(iface, m.Interface):
                table.note(_part(end, -1), end.parts[0], None, "Interface")
                self.unknown(end.parts[0], end.loc)
                return
        table.note(_part(end, -1), end.parts[-1], iface, "Interface")
        table.bind(end, "interface", iface)

    def export(self, export: m.Export, owner: m.Component | None) -> None:
        if len(export.source) > 1 and not isinstance(self.lookup(export.source, m.CONNECTABLE), m.Interface):
            self.unknown(".".join(export.source), export.loc)
        if not isinstance(self.lookup(export.destination, m.CONNECTABLE), m.Interface):
            self.unknown(".".join(export.destination), export.dest_loc)


def _part(end: m.End, index: int) -> m.Loc:
    """Where one name of a dotted end is written (the whole end when that is not known)."""
    return end.part_locs[index] if len(end.part_locs) == len(end.parts) else end.loc


def members(obj: Any, table: Resolution) -> Scope:
    """The scope inside an entity, for dotted lookups (`inst.iface`, `group.inst.iface`)."""
    scope: Scope = {}
    if isinstance(obj, m.Instance):
        obj = table.component(obj)
    if isinstance(obj, m.Component):
        for iface in obj.interfaces:
            scope.setdefault(iface.name, {})[iface.kind] = iface
        for attr in obj.attributes:
            scope.setdefault(attr.name, {})["Attribute"] = attr
    elif isinstance(obj, m.Group):
        for inst in obj.instances:
            scope.setdefault(inst.name, {})[GROUP_OR_INSTANCE] = inst
    return scope


def resolve(items: list[m.Item], allow_forward: bool) -> Resolved:
    return Resolver(allow_forward).run(items)
