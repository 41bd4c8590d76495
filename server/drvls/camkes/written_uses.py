"""Uses of names that resolution does not look up: configuration setting targets and export ends.

camkes-tool matches `c.attr = 1;` against instance `c` (and `c.iface_priority`, `c.buf_access`
against the interface they configure) only when it generates code, and an export
(`export c.iface -> outer;`) is checked but not bound; without these the index would miss uses
that renaming an instance or an interface must change too. Each use gets the range of its own
name (the first or last part of a dotted form written without spaces; otherwise the whole form,
which renaming refuses to touch rather than guess).
"""

from __future__ import annotations

from collections.abc import Iterator

from drvls.camkes import model as m
from drvls.camkes.resolve import Resolution
from drvls.core.diagnostics import Position, Range
from drvls.core.symbols import Reference, SymbolKind

PREFIX = "camkes:"


def written_uses(items: tuple[m.Item, ...], resolution: Resolution) -> Iterator[Reference]:
    for item in items:
        if isinstance(item, m.Assembly) and item.composition is not None:
            owner = item.name or ""
            if item.configuration is not None:
                yield from _settings(item.configuration, item.composition, owner, resolution)
        elif isinstance(item, m.Component) and item.name and item.composition is not None:
            if item.configuration is not None:
                yield from _settings(item.configuration, item.composition, item.name, resolution)
            yield from _exports(item, item.composition, resolution)


def _settings(conf: m.Configuration, comp: m.Composition, owner: str, table: Resolution) -> Iterator[Reference]:
    instances = {inst.name: inst for inst in [*comp.instances, *(i for g in comp.groups for i in g.instances)]}
    connections = {conn.name for conn in comp.connections}
    for setting in conf.settings:
        path, where = setting.loc.path, setting.loc.range
        if setting.target in instances:
            yield Reference(f"{PREFIX}instance:{owner}/{setting.target}", setting.target,
                            _head(where, setting.target), path, SymbolKind.INSTANCE)
            inner = table.component(instances[setting.target])
            iface = _interface_of_setting(inner, setting.attribute) if inner is not None else None
            if inner is not None and iface is not None:
                yield Reference(f"{PREFIX}interface:{inner.name}.{iface}", iface,
                                _tail_head(where, setting.attribute, iface), path, SymbolKind.INTERFACE)
        elif setting.target in connections:
            yield Reference(f"{PREFIX}connection:{owner}/{setting.target}", setting.target,
                            _head(where, setting.target), path, SymbolKind.CONNECTION)


def _interface_of_setting(comp: m.Component, attribute: str) -> str | None:
    """The interface an `iface_suffix` setting (`o1_priority`, `buf_access`) configures: the longest
    interface name it starts with, unless the component declares the attribute itself."""
    if not comp.name or any(attr.name == attribute for attr in comp.attributes):
        return None
    found = [i.name for i in comp.interfaces if attribute.startswith(i.name + "_")]
    return max(found, key=len) if found else None


def _exports(owner: m.Component, comp: m.Composition, table: Resolution) -> Iterator[Reference]:
    instances = {inst.name: inst for inst in comp.instances}
    for export in comp.exports:
        if len(export.source) == 2 and export.source[0] in instances:
            inst_name, iface_name = export.source
            yield Reference(f"{PREFIX}instance:{owner.name}/{inst_name}", inst_name,
                            _head(export.loc.range, inst_name), export.loc.path, SymbolKind.INSTANCE)
            inner = table.component(instances[inst_name])
            if inner is not None and inner.name and inner.interface(iface_name) is not None:
                yield Reference(f"{PREFIX}interface:{inner.name}.{iface_name}", iface_name, export.loc.range,
                                export.loc.path, SymbolKind.INTERFACE)
        if len(export.destination) == 1 and owner.interface(export.destination[0]) is not None:
            name = export.destination[0]
            yield Reference(f"{PREFIX}interface:{owner.name}.{name}", name, export.dest_loc.range,
                            export.dest_loc.path, SymbolKind.INTERFACE)


def _tail_head(range_: Range, last: str, name: str) -> Range:
    """`name` at the start of the last part `last` of a dotted form on one line."""
    if range_.start.line != range_.end.line:
        return range_
    start = range_.end.character - len(last)
    return Range(Position(range_.start.line, start), Position(range_.start.line, start + len(name)))


def _head(range_: Range, name: str) -> Range:
    """The first name of a dotted form on one line (the whole range when it spans lines)."""
    if range_.start.line != range_.end.line:
        return range_
    return Range(range_.start, Position(range_.start.line, min(range_.end.character,
                                                                  range_.start.character + len(name))))
