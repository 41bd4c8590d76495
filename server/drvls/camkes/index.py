"""The CAmkES symbol index and typed model of one file, as the faces query them (core/symbols.py).

Definitions come from every file the check read (an import's carry that file's path), references
from the app's resolution side table, so navigation crosses imports. Keys follow the shared
scheme: `camkes:component:NAME`, `camkes:instance:ASSEMBLY/NAME`, `camkes:interface:COMPONENT.NAME`...
Outline, links and folds are of the checked file only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drvls.camkes import grammar
from drvls.camkes import model as m
from drvls.camkes.cache import CACHE, Bounded
from drvls.camkes.positions import TextPositions
from drvls.camkes.resolve import GROUP_OR_INSTANCE, Resolution
from drvls.camkes.written_uses import written_uses
from drvls.core.diagnostics import Range
from drvls.core.symbols import Link, OutlineNode, Reference, Symbol, SymbolIndex, SymbolKind

PREFIX = "camkes:"
_KIND_OF_REF = {"Component": "component", "Procedure": "procedure", "Connector": "connector", "Struct": "struct"}


@dataclass(frozen=True)
class CamkesModel:
    """The typed, immutable model of a checked file: its own parse, every file the check read (in
    camkes-tool's order), the items of the whole program and what each name resolved to."""

    path: Path | None
    parsed: m.ParsedFile
    files: tuple[m.ParsedFile, ...] = ()
    items: tuple[m.Item, ...] = ()
    resolution: Resolution = field(default_factory=Resolution)
    import_targets: dict[int, tuple[m.Import, Path]] = field(default_factory=dict)

    def import_target(self, imp: m.Import) -> Path | None:
        found = self.import_targets.get(id(imp))
        return found[1] if found is not None and found[0] is imp else None


class _Builder:
    def __init__(self) -> None:
        self.definitions: list[Symbol] = []
        self.keys: dict[int, str] = {}  # id(declaration) → key

    def define(self, obj: Any, key: str, name: str, kind: SymbolKind, loc: m.Loc, container: str | None,
               detail: str = "", children: tuple[OutlineNode, ...] = ()) -> OutlineNode:
        symbol = Symbol(PREFIX + key, name, kind, loc.range, loc.range, loc.path, container, detail)
        self.definitions.append(symbol)
        self.keys[id(obj)] = symbol.key
        return OutlineNode(symbol, children)

    def item(self, item: m.Item) -> OutlineNode | None:
        if isinstance(item, m.Component) and item.name:
            return self.component(item, item.name, None)
        if isinstance(item, m.Procedure) and item.name:
            key = f"{PREFIX}procedure:{item.name}"
            methods = tuple(self.define(method, f"method:{item.name}.{method.name}", method.name, SymbolKind.METHOD,
                                        method.loc, key, method.return_type or "void") for method in item.methods)
            return self.define(item, f"procedure:{item.name}", item.name, SymbolKind.PROCEDURE, item.loc, None,
                               children=methods)
        if isinstance(item, m.Connector) and item.name and not item.builtin:
            detail = f"from {item.from_end.kind} to {item.to_end.kind}"
            return self.define(item, f"connector:{item.name}", item.name, SymbolKind.CONNECTOR, item.loc, None,
                               detail)
        if isinstance(item, m.Assembly):
            name = item.name or ""
            key = f"{PREFIX}assembly:{name}"
            inner = (self.composition(item.composition, name, key),) if item.composition is not None else ()
            return self.define(item, f"assembly:{name}", name or "assembly", SymbolKind.ASSEMBLY, item.loc, None,
                               children=inner)
        return None

    def component(self, comp: m.Component, name: str, container: str | None) -> OutlineNode:
        key = f"{PREFIX}component:{name}"
        children = [self.define(iface, f"interface:{name}.{iface.name}", iface.name, SymbolKind.INTERFACE,
                                iface.loc, key, f"{iface.kind.lower()} {iface.type_text}".strip())
                    for iface in comp.interfaces]
        children += [self.define(attr, f"attribute:{name}.{attr.name}", attr.name, SymbolKind.ATTRIBUTE, attr.loc,
                                 key, attr.type_name) for attr in comp.attributes]
        if comp.composition is not None:
            children.append(self.composition(comp.composition, name, key))
        return self.define(comp, f"component:{name}", name, SymbolKind.COMPONENT, comp.loc, container,
                           children=tuple(children))

    def composition(self, comp: m.Composition, owner: str, container: str) -> OutlineNode:
        key = f"{PREFIX}composition:{owner}"
        children = []
        for inst in [*comp.instances, *(i for g in comp.groups for i in g.instances)]:
            type_name = inst.type.text if isinstance(inst.type, m.Ref) else "component"
            children.append(self.define(inst, f"instance:{owner}/{inst.name}", inst.name, SymbolKind.INSTANCE,
                                        inst.loc, key, type_name))
        for conn in comp.connections:
            type_name = conn.type.text if isinstance(conn.type, m.Ref) else "connector"
            children.append(self.define(conn, f"connection:{owner}/{conn.name}", conn.name, SymbolKind.CONNECTION,
                                        conn.loc, key, type_name))
        return self.define(comp, f"composition:{owner}", comp.name or "composition", SymbolKind.COMPOSITION,
                           comp.loc, container, children=tuple(children))

def _references(table: Resolution, keys: dict[int, str]) -> Iterator[Reference]:
    for loc, name, declaration, kind in table.uses:
        key = keys.get(id(declaration)) if declaration is not None else None
        if key is None:
            key = f"{PREFIX}{_KIND_OF_REF.get(kind, kind.lower())}:{name}"
        yield Reference(key, name, loc.range, loc.path, _expected(kind), declaration is not None)


def _expected(kind: str) -> SymbolKind | None:
    if kind == GROUP_OR_INSTANCE:
        return SymbolKind.INSTANCE
    return {"Component": SymbolKind.COMPONENT, "Procedure": SymbolKind.PROCEDURE, "Connector": SymbolKind.CONNECTOR,
            "Interface": SymbolKind.INTERFACE, "Struct": None}.get(kind)


@dataclass(frozen=True)
class _FileSymbols:
    """What one parsed file defines: the same whichever app reads it, so made once per parsed file."""

    parsed: m.ParsedFile
    definitions: tuple[Symbol, ...]
    keys: dict[int, str]
    outline: tuple[OutlineNode, ...]


# Bounded by definitions held (each keeps its parsed file alive too): a few tens of MB.
_by_file: Bounded[int, _FileSymbols] = CACHE.table(4096, 40_000, lambda made: len(made.definitions) + 1)


def _file_symbols(parsed: m.ParsedFile) -> _FileSymbols:
    hit = _by_file.get(id(parsed))
    if hit is not None and hit.parsed is parsed:
        return hit
    builder = _Builder()
    outline = tuple(node for node in (builder.item(i) for i in parsed.items if not isinstance(i, m.Import))
                    if node is not None)
    return _by_file.put(id(parsed), _FileSymbols(parsed, tuple(builder.definitions), builder.keys, outline))


def build_index(model: CamkesModel, text: str = "", tree: Any = None) -> SymbolIndex:
    definitions: list[Symbol] = []
    keys: dict[int, str] = {}
    outline: tuple[OutlineNode, ...] = ()
    for parsed in model.files or (model.parsed,):
        made = _file_symbols(parsed)
        definitions += made.definitions
        keys.update(made.keys)
        if parsed.path == model.path:
            outline += made.outline
    references = (*_references(model.resolution, keys), *written_uses(model.items, model.resolution))
    links = tuple(Link(imp.loc.range, target) for imp, target in model.import_targets.values()
                  if imp.loc.path == model.path)
    return SymbolIndex(path=model.path, definitions=tuple(definitions), references=references,
                       outline=outline, links=links, folds=folds(text, model.path, tree))


def folds(text: str, path: Path | None, tree: Any = None) -> tuple[Range, ...]:
    """Every braced block of the text as written that spans more than one line."""
    if tree is None and text:
        tree = grammar.parse(text.encode("utf-8", "surrogatepass"))
    if tree is None:
        return ()
    positions = TextPositions(text, path)
    out: list[Range] = []
    todo = [tree.root_node]
    while todo:
        node = todo.pop()
        if node.end_point[0] == node.start_point[0]:
            continue  # one line holds no block that folds
        if node.type.endswith("body"):
            out.append(positions.loc(node).range)
        todo.extend(node.named_children)
    return tuple(sorted(out, key=lambda r: (r.start, r.end)))
