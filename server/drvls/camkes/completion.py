"""Completion in `.camkes`/`.idl4` files: keywords of the block, types in scope, connection ends,
configuration attributes.

Types come from the checked program (this file and everything it imports, camkes-tool's builtin
connectors included); instances from the file's compositions plus those read before the cursor
(`cursor`), so a composition being typed still completes its connections.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from drvls.camkes import model as m
from drvls.camkes.cursor import Cursor, Instance, locate
from drvls.camkes.index import CamkesModel
from drvls.core.completion import CompletionItem, ItemKind
from drvls.core.diagnostics import Position, Range
from drvls.core.text import LineIndex

TYPES = ("int", "unsigned", "signed", "char", "string", "int64_t", "uint64_t", "struct")
DIRECTIONS = ("in", "out", "inout", "refin")
# Statement keywords by enclosing block (camkes-tool's grammar, docs: ../shared specs §4).
KEYWORDS: dict[str, tuple[str, ...]] = {
    "": ("import", "component", "procedure", "connector", "struct", "assembly", "composition", "configuration"),
    "component": ("control", "hardware", "include", "attribute", "provides", "uses", "maybe", "emits", "consumes",
                  "dataport", "has", "composition", "configuration"),
    "procedure": ("include", "void", "int", "unsigned", "signed", "char", "string", "int64_t", "uint64_t", "struct"),
    "connector": ("from", "to", "attribute", "hardware"),
    "assembly": ("composition", "configuration", "schedule"),
    "composition": ("component", "connection", "group", "export"),
    "group": ("component",),
    "struct": TYPES,
}
END_KINDS = ("Procedure", "Procedures", "Event", "Events", "Dataport", "Dataports")
# Which interface kind each connector end kind connects, per side.
SIDE_KINDS = {("from", "Procedure"): m.USES, ("to", "Procedure"): m.PROVIDES, ("from", "Event"): m.EMITS,
              ("to", "Event"): m.CONSUMES, ("from", "Dataport"): m.DATAPORT, ("to", "Dataport"): m.DATAPORT}


def complete(analysis: Any, text: str, pos: Position) -> list[CompletionItem]:
    """Proposals at `pos` in the snapshot `analysis` of `text`."""
    index = LineIndex(text)
    offset = len(index.data[: index.byte_offset(pos)].decode("utf-8", "surrogatepass"))
    cursor = locate(text, offset)
    if cursor.in_comment:
        return []
    model = analysis.model if isinstance(analysis.model, CamkesModel) else None
    replace = Range(Position(pos.line, pos.character - (offset - cursor.start)),
                    Position(pos.line, pos.character + (cursor.end - offset)))
    return list(Site(model, cursor, replace).items())


@dataclass
class Site:
    model: CamkesModel | None
    cursor: Cursor
    replace: Range

    def item(self, label: str, kind: ItemKind, detail: str = "", sort: str = "") -> CompletionItem:
        return CompletionItem(label, kind, self.replace, label, detail, sort=sort)

    def items(self) -> Iterator[CompletionItem]:
        words, block = self.cursor.words, self.cursor.block
        last = words[-1] if words else ""
        if block == "composition" or block == "group":
            yield from self.in_composition(words)
        elif block == "configuration":
            yield from self.in_configuration(words)
        elif block == "component" and words in (("provides",), ("uses",), ("maybe", "uses")):
            yield from self.types(m.Procedure, "procedure")
        elif block == "component" and words in (("dataport",), ("maybe", "dataport")):
            yield self.item("Buf", ItemKind.TYPE, "dataport type")
        elif block == "component" and words == ("has",):
            yield from (self.item(k, ItemKind.KEYWORD) for k in ("mutex", "semaphore", "binary_semaphore"))
        elif block == "procedure" and last in ("(", ","):
            yield from (self.item(k, ItemKind.KEYWORD) for k in (*DIRECTIONS, *TYPES))
        elif block == "procedure" and last in DIRECTIONS:
            yield from (self.item(k, ItemKind.KEYWORD) for k in TYPES)
        elif block == "connector" and last in ("from", "to", "hardware"):
            yield from (self.item(k, ItemKind.KEYWORD) for k in END_KINDS)
            if last != "hardware":
                yield self.item("hardware", ItemKind.KEYWORD)
        elif not words and block in KEYWORDS:
            yield from (self.item(k, ItemKind.KEYWORD, sort=f"{n:02}") for n, k in enumerate(KEYWORDS[block]))

    # -- compositions ------------------------------------------------------------------------------

    def in_composition(self, words: tuple[str, ...]) -> Iterator[CompletionItem]:
        if not words:
            yield from (self.item(k, ItemKind.KEYWORD) for k in KEYWORDS[self.cursor.block])
        elif words == ("component",):
            yield from self.types(m.Component, "component")
        elif words == ("connection",):
            yield from self.types(m.Connector, "connector")
        elif words[0] == "connection" and "(" in words:
            yield from self.connection_end(words)

    def connection_end(self, words: tuple[str, ...]) -> Iterator[CompletionItem]:
        last = words[-1]
        if last in ("(", ","):
            yield from (self.item(k, ItemKind.KEYWORD) for k in ("from", "to"))
            return
        side = next((w for w in reversed(words) if w in ("from", "to")), "")
        if last in ("from", "to"):
            for inst in self.instances():
                yield self.item(inst.name, ItemKind.REFERENCE, f"component {inst.type}")
        elif last == "." and len(words) >= 3 and words[-3] in ("from", "to"):
            wanted = self.end_kind(words[1] if len(words) > 1 else "", side)
            component = self.component_of(words[-2])
            if component is not None:
                for n, iface in enumerate(component.interfaces):
                    if iface.kind in m.CONNECTABLE and (wanted is None or iface.kind == wanted):
                        kind = iface.type.text if isinstance(iface.type, m.Ref) else (iface.type or "")
                        yield self.item(iface.name, ItemKind.INTERFACE, f"{iface.kind.lower()} {kind}".strip(),
                                        sort=f"{n:03}")

    def end_kind(self, connector: str, side: str) -> str | None:
        """The interface kind the connector's `side` end takes, None when the connector is unknown."""
        found = self.named(m.Connector, connector)
        if not isinstance(found, m.Connector) or not found.complete:
            return None
        spec = found.from_end if side == "from" else found.to_end
        return SIDE_KINDS.get((side, spec.kind.rstrip("s")))

    # -- configurations ----------------------------------------------------------------------------

    def in_configuration(self, words: tuple[str, ...]) -> Iterator[CompletionItem]:
        if not words:
            for inst in self.instances():
                yield self.item(inst.name, ItemKind.REFERENCE, f"component {inst.type}")
        elif len(words) == 2 and words[1] == ".":
            component = self.component_of(words[0])
            if component is not None:
                for attr in component.attributes:
                    yield self.item(attr.name, ItemKind.ATTRIBUTE, f"attribute {attr.type_name}")

    # -- names from the model ----------------------------------------------------------------------

    def declared(self, cls: type) -> list[Any]:
        if self.model is None:
            return []
        items = self.model.items or tuple(self.model.parsed.items)
        return [item for item in items if isinstance(item, cls) and getattr(item, "name", None)]

    def named(self, cls: type, name: str) -> Any | None:
        found = [item for item in self.declared(cls) if item.name == name]
        return found[-1] if found else None

    def types(self, cls: type, what: str) -> Iterator[CompletionItem]:
        seen: set[str] = set()
        for item in self.declared(cls):
            if item.name in seen:
                continue
            seen.add(item.name)
            where = item.loc.path.name if item.loc.path is not None else ""
            builtin = getattr(item, "builtin", False)
            detail = f"{what} (builtin)" if builtin else f"{what}, {where}" if where else what
            yield self.item(item.name, ItemKind.TYPE, detail, sort="1" if builtin else "0")

    def component_of(self, instance: str) -> m.Component | None:
        found = next((i for i in self.instances() if i.name == instance), None)
        component = self.named(m.Component, found.type) if found is not None else None
        return component if isinstance(component, m.Component) else None

    def instances(self) -> list[Instance]:
        """Instances of the enclosing top-level block: read before the cursor, then those of its model."""
        out = list(self.cursor.instances)
        names = {i.name for i in out}
        for inst in self.model_instances():
            if inst.name not in names:
                names.add(inst.name)
                out.append(inst)
        return out

    def model_instances(self) -> Iterator[Instance]:
        if self.model is None:
            return
        top = self.cursor.top()
        for item in self.model.parsed.items:
            if top is not None and top.kind == "component" and not (isinstance(item, m.Component)
                                                                     and item.name == top.name):
                continue
            composition = getattr(item, "composition", None)
            if isinstance(item, m.Composition):
                composition = item
            if isinstance(composition, m.Composition):
                for inst in composition.instances:
                    kind = inst.type.text if isinstance(inst.type, m.Ref) else (inst.type.name or "")
                    yield Instance(kind, inst.name)
