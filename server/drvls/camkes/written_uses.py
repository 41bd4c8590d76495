"""Uses of names that resolution does not look up: configuration setting targets and export ends.

camkes-tool matches `c.attr = 1;` against instance `c` only when it generates code, and an export
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
                yield from _settings(item.configuration, item.composition, owner)
        elif isinstance(item, m.Component) and item.name and item.composition is not None:
            if item.configuration is not None:
                yield from _settings(item.configuration, item.composition, item.name)
            yield from _exports(item, item.composition, resolution)


def _settings(conf: m.Configuration, comp: m.Composition, owner: str) -> Iterator[Reference]:
    instances = {inst.name for inst in [*comp.instances, *(i for g in comp.groups for i in g.instances)]}
    connections = {conn.name for conn in comp.connections}
    for setting in conf.settings:
        if setting.target in instances:
            key, kind = f"{PREFIX}instance:{owner}/{setting.target}", SymbolKind.INSTANCE
        elif setting.target in connections:
            key, kind = f"{PREFIX}connection:{owner}/{setting.target}", SymbolKind.CONNECTION
        else:
            continue
        yield Reference(key, setting.target, _head(setting.loc.range, setting.target), setting.loc.path, kind)


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


def _head(range_: Range, name: str) -> Range:
    """The first name of a dotted form on one line (the whole range when it spans lines)."""
    if range_.start.line != range_.end.line:
        return range_
    return Range(range_.start, Position(range_.start.line, min(range_.end.character,
                                                                  range_.start.character + len(name))))
