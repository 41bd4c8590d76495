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
class Resolved:
    assemblies: list[m.Assembly] = field(default_factory=list)
    components: list[m.Component] = field(default_factory=list)
    procedures: list[m.Procedure] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


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
                yield from self._lookup_in(members(candidate), tail, kinds)

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
        if found is None:
            self.unknown(ref.text, ref.loc, ref.parts[0] if len(ref.parts) == 1 else None)
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
            found = self.resolve_ref(attr.type)
            if isinstance(found, m.Struct):
                attr.type = found
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
                found = self.resolve_ref(iface.type)
                if isinstance(found, m.Procedure):
                    iface.procedure = found
            self.register(iface)
        if comp.composition is not None:
            self.composition(comp.composition, comp, top=False)
        self.scopes.pop()

    def instance(self, inst: m.Instance, top: bool) -> None:
        if isinstance(inst.type, m.Component):
            self.component(inst.type)
            inst.component = inst.type
        else:
            found = self.resolve_ref(inst.type)
            if isinstance(found, m.Component):
                inst.component = found
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
                inst.group = grp.name
            self.scopes.pop()
            self.register(grp)
        for conn in comp.connections:
            self.connection(conn, top)
        for export in comp.exports:
            self.export(export, owner)
        self.scopes.pop()

    def connection(self, conn: m.Connection, top: bool) -> None:
        if isinstance(conn.type, m.Connector):
            conn.connector = conn.type
        else:
            found = self.resolve_ref(conn.type)
            if isinstance(found, m.Connector):
                conn.connector = found
        for end in conn.ends:
            self.end(end)
        self.register(conn)
        if top:
            self.assembly_scope.setdefault(conn.name, {})["Connection"] = conn

    def end(self, end: m.End) -> None:
        if len(end.parts) > 1:
            owner = self.lookup(end.parts[:-1], (GROUP_OR_INSTANCE,))
            iface = self.lookup(end.parts, m.CONNECTABLE)
            if isinstance(owner, m.Instance):
                end.instance = owner
            if owner is None or not isinstance(iface, m.Interface):
                self.unknown(".".join(end.parts), end.loc)
                return
        else:
            iface = self.lookup(end.parts, m.CONNECTABLE)
            if not isinstance(iface, m.Interface):
                self.unknown(end.parts[0], end.loc)
                return
        end.interface = iface

    def export(self, export: m.Export, owner: m.Component | None) -> None:
        if len(export.source) > 1 and not isinstance(self.lookup(export.source, m.CONNECTABLE), m.Interface):
            self.unknown(".".join(export.source), export.loc)
        if not isinstance(self.lookup(export.destination, m.CONNECTABLE), m.Interface):
            self.unknown(".".join(export.destination), export.dest_loc)


def members(obj: Any) -> Scope:
    """The scope inside an entity, for dotted lookups (`inst.iface`, `group.inst.iface`)."""
    scope: Scope = {}
    if isinstance(obj, m.Instance):
        obj = obj.component
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
