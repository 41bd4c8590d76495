"""The semantic model of CAmkES ADL/IDL: what camkes-tool's lifted AST holds, with source ranges.

Every element records the file it came from and the range of its name (or of the whole
construct when it has no name), so diagnostics land where the user wrote the text, even
when the text reached the parser through the C preprocessor.

Every class is frozen: a parsed file is a value shared by every app that imports it (and kept
in the cache), so what a name resolves to is never written into it. Resolution fills a
per-app side table instead (`resolve.Resolution`); the `set by resolution` fields of older
versions stay for compatibility and are always None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from drvls.core.diagnostics import ZERO_RANGE, Range
from drvls.core.rules import RuleInfo


@dataclass(frozen=True)
class Loc:
    """A place in a source file; `path` None means the buffer being checked has no path."""

    path: Path | None
    range: Range = ZERO_RANGE

    @property
    def line(self) -> int:
        """1-based line, as camkes-tool prints it."""
        return self.range.start.line + 1


NOWHERE = Loc(None)


@dataclass(frozen=True)
class QueryValue:
    """`dtb({...})` / `gpio({...})`: answered at build time, opaque here."""

    name: str
    loc: Loc = NOWHERE


Value = Union[int, float, str, list["Value"], dict[str, "Value"], QueryValue]  # noqa: UP007


@dataclass(frozen=True)
class Ref:
    """A dotted name that must resolve to a declaration of `kind`."""

    parts: list[str]
    kind: str
    loc: Loc = NOWHERE

    @property
    def text(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True)
class Attribute:
    """`attribute T name [= default];` in a component, a struct field, or a procedure attribute."""

    type: str | Ref | Struct
    name: str
    array: bool = False
    default: Value | None = None
    loc: Loc = NOWHERE

    @property
    def type_name(self) -> str:
        if isinstance(self.type, Ref):
            return self.type.text
        if isinstance(self.type, Struct):
            return self.type.name
        return self.type


@dataclass(frozen=True)
class Struct:
    name: str
    attributes: list[Attribute] = field(default_factory=list)
    loc: Loc = NOWHERE


@dataclass(frozen=True)
class Parameter:
    name: str
    direction: str
    type: str
    array: bool = False
    loc: Loc = NOWHERE


@dataclass(frozen=True)
class Method:
    name: str
    return_type: str | None
    parameters: list[Parameter] = field(default_factory=list)
    loc: Loc = NOWHERE


@dataclass(frozen=True)
class Procedure:
    name: str | None
    methods: list[Method] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)
    loc: Loc = NOWHERE


# Interface kinds, named as camkes-tool's AST classes (they appear in its messages).
PROVIDES, USES, EMITS, CONSUMES, DATAPORT = "Provides", "Uses", "Emits", "Consumes", "Dataport"
MUTEX, SEMAPHORE, BINARY_SEMAPHORE = "Mutex", "Semaphore", "BinarySemaphore"
CONNECTABLE = (PROVIDES, USES, EMITS, CONSUMES, DATAPORT)


@dataclass(frozen=True)
class Interface:
    """provides/uses (type: procedure Ref), emits/consumes (type: event identifier), dataport (type text).

    Mutexes and semaphores are kept here too, as members that are not connectable.
    """

    kind: str
    type: Ref | str | None
    name: str
    optional: bool = False
    loc: Loc = NOWHERE
    procedure: Procedure | None = None  # always None: what it resolves to is in `resolve.Resolution`

    @property
    def type_text(self) -> str:
        if isinstance(self.type, Ref):
            return self.type.text
        return self.type or ""


@dataclass(frozen=True)
class EndSpec:
    """One side of a connector: `[hardware] Procedure(s)|Event(s)|Dataport(s) [with N threads]`."""

    kind: str  # "Procedure" | "Event" | "Dataport"
    multiple: bool
    hardware: bool = False
    threads: int | None = None


@dataclass(frozen=True)
class Connector:
    name: str | None
    from_end: EndSpec
    to_end: EndSpec
    attributes: list[Attribute] = field(default_factory=list)
    loc: Loc = NOWHERE
    builtin: bool = False
    # False when a syntax error hid part of the declaration: its ends are guesses, never checked against.
    complete: bool = True

    def attribute_default(self, name: str) -> Value | None:
        for attr in self.attributes:
            if attr.name == name:
                return attr.default
        return None


@dataclass(frozen=True)
class Instance:
    type: Ref | Component
    name: str
    loc: Loc = NOWHERE
    component: Component | None = None  # always None: see `resolve.Resolution.component`
    group: str | None = None  # always None: see `resolve.Resolution.group`


@dataclass(frozen=True)
class End:
    """`from a.b` / `to b`: `parts` is the written dotted name."""

    side: str  # "from" | "to"
    parts: list[str]
    loc: Loc = NOWHERE
    instance: Instance | None = None  # always None: see `resolve.Resolution.end_instance`
    interface: Interface | None = None  # always None: see `resolve.Resolution.end_interface`
    part_locs: tuple[Loc, ...] = ()  # where each of `parts` is written


@dataclass(frozen=True)
class Connection:
    type: Ref | Connector
    name: str
    ends: list[End] = field(default_factory=list)
    loc: Loc = NOWHERE
    connector: Connector | None = None  # always None: see `resolve.Resolution.connector`

    def side(self, side: str) -> list[End]:
        return [e for e in self.ends if e.side == side]


@dataclass(frozen=True)
class Group:
    name: str | None
    instances: list[Instance] = field(default_factory=list)
    loc: Loc = NOWHERE


@dataclass(frozen=True)
class Export:
    source: list[str]
    destination: list[str]
    loc: Loc = NOWHERE
    dest_loc: Loc = NOWHERE


@dataclass(frozen=True)
class Composition:
    name: str | None = None
    instances: list[Instance] = field(default_factory=list)
    connections: list[Connection] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    exports: list[Export] = field(default_factory=list)
    loc: Loc = NOWHERE


@dataclass(frozen=True)
class Setting:
    """`X.Y = value;` or `X.Y <- a.b;` (then `reference` holds the dotted target)."""

    target: str
    attribute: str
    value: Value | None = None
    reference: list[str] | None = None
    loc: Loc = NOWHERE
    value_loc: Loc = NOWHERE


@dataclass(frozen=True)
class Configuration:
    name: str | None = None
    settings: list[Setting] = field(default_factory=list)
    loc: Loc = NOWHERE


@dataclass(frozen=True)
class Component:
    name: str | None
    control: bool = False
    hardware: bool = False
    interfaces: list[Interface] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)
    includes: list[str] = field(default_factory=list)
    composition: Composition | None = None
    configuration: Configuration | None = None
    loc: Loc = NOWHERE

    def interface(self, name: str) -> Interface | None:
        for iface in self.interfaces:
            if iface.name == name:
                return iface
        return None

    def of_kind(self, kind: str) -> list[Interface]:
        return [i for i in self.interfaces if i.kind == kind]


@dataclass(frozen=True)
class Assembly:
    name: str | None
    composition: Composition | None = None
    configuration: Configuration | None = None
    loc: Loc = NOWHERE


@dataclass(frozen=True)
class Import:
    """`import "x";` (relative) or `import <x>;` (through the import path)."""

    target: str
    angle: bool
    loc: Loc = NOWHERE
    resolved: Path | None = None  # always None: the file found is in `imports.Program.import_targets`


Item = Union[Import, Component, Procedure, Connector, Struct, Composition, Configuration, Assembly]  # noqa: UP007


@dataclass(frozen=True)
class ParsedFile:
    """One file after preprocessing and parsing: its items in order (imports not yet followed)."""

    path: Path | None
    items: list[Item] = field(default_factory=list)
    # Files the preprocessor read (#include), so editors re-check when they change.
    included: set[Path] = field(default_factory=set)


@dataclass(frozen=True)
class Problem:
    """A problem found while parsing, lifting or checking, with the rule it breaks."""

    rule: RuleInfo
    message: str
    loc: Loc
    related: list[tuple[Loc, str]] = field(default_factory=list)
