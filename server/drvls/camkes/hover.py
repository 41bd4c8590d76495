"""Hover in `.camkes`/`.idl4` files: what a declaration holds, across every file the app imports.

A reference is resolved through the app's own side table (`resolve.Resolution.uses`: the
declaration each name use meant), a definition through its key, so hovering a procedure used in
one file shows its methods as written in another. Nothing is parsed again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from drvls.camkes import model as m
from drvls.camkes.index import PREFIX, CamkesModel
from drvls.core.diagnostics import Position
from drvls.core.hover import Hover, table
from drvls.core.languages import Analysis
from drvls.core.query import Query
from drvls.core.symbols import Reference, Symbol


def hover(analysis: Analysis, query: Query, pos: Position) -> Hover | None:
    model = analysis.model
    found = query.at(pos)
    if not isinstance(model, CamkesModel) or found is None:
        return None
    declaration = resolved(model, found)
    if declaration is None:
        if isinstance(found, Reference) and not found.resolved:
            return Hover(f"`{found.name}`: not declared in this app or any file it imports", found.range)
        return None
    text = describe(model, declaration)
    if text is None:
        return None
    where = _where(getattr(declaration, "loc", None), model.path)
    return Hover(text + (f"\n\nDeclared in {where}" if where else ""), found.range)


def resolved(model: CamkesModel, found: Symbol | Reference) -> Any | None:
    """The declaration a reference means (by the app's resolution), or a definition denotes (by key)."""
    if isinstance(found, Reference):
        for loc, _, declaration, _ in model.resolution.uses:
            if loc.range == found.range and loc.path == found.path:
                return declaration
        return None
    return by_key(model, found.key)


def _items(model: CamkesModel) -> Iterator[m.Item]:
    for parsed in model.files or (model.parsed,):
        yield from parsed.items


def by_key(model: CamkesModel, key: str) -> Any | None:
    """The declaration with this shared key (`camkes:component:NAME`, `camkes:instance:OWNER/NAME`...)."""
    if not key.startswith(PREFIX):
        return None
    kind, _, rest = key[len(PREFIX):].partition(":")
    top = {"component": m.Component, "procedure": m.Procedure, "connector": m.Connector, "assembly": m.Assembly}
    if kind in top:
        wanted = top[kind]
        return next((i for i in _items(model) if isinstance(i, wanted) and (getattr(i, "name", None) or "") == rest),
                    None)
    if kind in ("interface", "attribute", "method"):
        owner, _, name = rest.partition(".")
        holder = m.Procedure if kind == "method" else m.Component
        decl = next((i for i in _items(model) if isinstance(i, holder) and i.name == owner), None)
        members = (decl.methods if isinstance(decl, m.Procedure) else
                   (decl.interfaces if kind == "interface" else decl.attributes) if isinstance(decl, m.Component)
                   else [])
        return next((x for x in members if x.name == name), None)
    if kind in ("instance", "connection"):
        owner, _, name = rest.partition("/")
        for item in _items(model):
            if isinstance(item, (m.Assembly, m.Component)) and (item.name or "") == owner and item.composition:
                comp = item.composition
                pool: list[Any] = ([*comp.instances, *(i for g in comp.groups for i in g.instances)]
                                   if kind == "instance" else list(comp.connections))
                return next((x for x in pool if x.name == name), None)
    return None


def describe(model: CamkesModel, decl: Any) -> str | None:
    table_ = model.resolution
    if isinstance(decl, m.Procedure):
        return procedure_text(decl)
    if isinstance(decl, m.Connector):
        return connector_text(decl)
    if isinstance(decl, m.Component):
        return component_text(decl)
    if isinstance(decl, m.Instance):
        comp = table_.component(decl)
        head = f"**instance** `{decl.name}` of component `{comp.name if comp else _type_text(decl.type)}`"
        return head + ("\n\n" + component_body(comp) if comp is not None else "\n\nIts component is not declared.")
    if isinstance(decl, m.Interface):
        head = f"**{decl.kind.lower()}** `{decl.type_text}` `{decl.name}`" + (" (optional)" if decl.optional else "")
        proc = table_.procedure(decl)
        return head + ("\n\n" + procedure_body(proc) if proc is not None else "")
    if isinstance(decl, m.Connection):
        connector = table_.connector(decl)
        ends = [f"- {e.side} `{'.'.join(e.parts)}`" for e in decl.ends]
        lines = [f"**connection** `{decl.name}` through `{_type_text(decl.type)}`", "", *ends]
        if connector is not None:
            lines += ["", connector_ends(connector)]
        return "\n".join(lines)
    if isinstance(decl, m.Attribute):
        default = f" = `{decl.default}`" if decl.default is not None else ""
        return f"**attribute** `{decl.type_name}{'[]' if decl.array else ''} {decl.name}`{default}"
    if isinstance(decl, m.Method):
        return f"**method**\n\n```camkes\n{signature(decl)}\n```"
    if isinstance(decl, m.Assembly):
        return assembly_text(decl)
    return None


def assembly_text(assembly: m.Assembly) -> str:
    comp = assembly.composition
    instances = (len(comp.instances) + sum(len(g.instances) for g in comp.groups)) if comp else 0
    connections = len(comp.connections) if comp else 0
    name = f"`{assembly.name}`" if assembly.name else "(unnamed)"
    return f"**assembly** {name}: {instances} instances, {connections} connections"


def _type_text(value: Any) -> str:
    return value.text if isinstance(value, m.Ref) else getattr(value, "name", None) or "?"


def signature(method: m.Method) -> str:
    params = ", ".join(f"{p.direction} {p.type}{'[]' if p.array else ''} {p.name}".strip() for p in method.parameters)
    return f"{method.return_type or 'void'} {method.name}({params});"


def procedure_body(proc: m.Procedure) -> str:
    if not proc.methods:
        return f"procedure `{proc.name}` declares no methods"
    return "\n".join([f"procedure `{proc.name}`:", "", "```camkes", *(signature(x) for x in proc.methods), "```"])


def procedure_text(proc: m.Procedure) -> str:
    lines = [f"**procedure** `{proc.name}`: {len(proc.methods)} method{'s' if len(proc.methods) != 1 else ''}"]
    if proc.methods:
        lines += ["", "```camkes", *(signature(x) for x in proc.methods), "```"]
    if proc.attributes:
        lines += ["", "Attributes: " + ", ".join(f"`{a.type_name} {a.name}`" for a in proc.attributes)]
    return "\n".join(lines)


def _end(spec: m.EndSpec) -> str:
    text = f"{'hardware ' if spec.hardware else ''}{spec.kind}{'s' if spec.multiple else ''}"
    return text + (f" with {spec.threads} threads" if spec.threads is not None else "")


def connector_ends(connector: m.Connector) -> str:
    return f"from {_end(connector.from_end)} to {_end(connector.to_end)}"


def connector_text(connector: m.Connector) -> str:
    lines = [f"**connector** `{connector.name}`" + (" (built in)" if connector.builtin else ""), "",
             f"- from end: {_end(connector.from_end)}", f"- to end: {_end(connector.to_end)}"]
    if connector.attributes:
        lines.append("- attributes: " + ", ".join(f"`{a.name}`" for a in connector.attributes))
    return "\n".join(lines)


def component_body(comp: m.Component) -> str:
    lines = table(("kind", "type", "name"), ((i.kind.lower(), f"`{i.type_text}`" if i.type_text else "",
                                              f"`{i.name}`") for i in comp.interfaces)) or ["No interfaces."]
    if comp.attributes:
        lines += ["", "Attributes: " + ", ".join(f"`{a.type_name} {a.name}`" for a in comp.attributes)]
    return "\n".join(lines)


def component_text(comp: m.Component) -> str:
    traits = [word for word, on in (("control", comp.control), ("hardware", comp.hardware)) if on]
    head = f"**component** `{comp.name}`" + (f" ({', '.join(traits)})" if traits else "")
    return head + "\n\n" + component_body(comp)


def _where(loc: m.Loc | None, here: Path | None) -> str:
    """`file:line` for a declaration written in another file than the one hovered."""
    if loc is None or loc.path is None or loc.path == here:
        return ""
    return f"`{loc.path.name}` line {loc.line}"
