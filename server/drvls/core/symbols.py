"""The symbol index every family fills and every face queries: definitions and references by range.

Core types only (no LSP): a family's analyzer returns one `SymbolIndex` per file inside its
snapshot; navigation, hover, rename, completion and previews read it and never parse again.
Ranges are in the file named by `path` (code-point columns, like every `Range`), so a reference
in an app can point at a definition in an imported file.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from drvls.core.diagnostics import Position, Range


class SymbolKind(Enum):
    """What a name denotes; `value` is the word shown to users and mapped to an LSP kind by the LSP layer."""

    SYSTEM = "system"
    PROTECTION_DOMAIN = "protection domain"
    VIRTUAL_MACHINE = "virtual machine"
    MEMORY_REGION = "memory region"
    MAP = "map"
    CHANNEL = "channel"
    CHANNEL_END = "channel end"
    IRQ = "irq"
    SETVAR = "setvar"
    PROGRAM_IMAGE = "program image"
    ASSEMBLY = "assembly"
    COMPOSITION = "composition"
    CONFIGURATION = "configuration"
    COMPONENT = "component"
    PROCEDURE = "procedure"
    CONNECTOR = "connector"
    INSTANCE = "instance"
    CONNECTION = "connection"
    INTERFACE = "interface"
    ATTRIBUTE = "attribute"
    METHOD = "method"
    IMPORT = "import"
    SECTION = "section"
    RULE = "rule"
    FILE = "file"


@dataclass(frozen=True)
class Location:
    """Where a name is written: a range in a file (None: the file being analysed)."""

    path: Path | None
    range: Range


@dataclass(frozen=True)
class Symbol:
    """A definition. `key` identifies it across files (e.g. `"region:uart"`, `"camkes:component:Foo"`);
    references carry the same key. `range` covers the name, `full_range` the whole definition."""

    key: str
    name: str
    kind: SymbolKind
    range: Range
    full_range: Range
    path: Path | None = None
    container: str | None = None  # the key of the enclosing symbol, for outlines and hover
    detail: str = ""


@dataclass(frozen=True)
class Reference:
    """A use of a name: `key` is the definition it resolves to (or would, when unresolved)."""

    key: str
    name: str
    range: Range
    path: Path | None = None
    kind: SymbolKind | None = None  # the kind the context expects, also for unresolved names
    resolved: bool = True


@dataclass(frozen=True)
class Link:
    """A document link: a range in this file that names another file (program image, prefill, import)."""

    range: Range
    target: Path


@dataclass(frozen=True)
class OutlineNode:
    """One entry of the hierarchical document outline."""

    symbol: Symbol
    children: tuple[OutlineNode, ...] = ()


_OVERLAP = 4  # how many spans starting before a position are looked at


def _covers(range_: Range, pos: Position) -> bool:
    return range_.start <= pos <= range_.end


@dataclass(frozen=True)
class SymbolIndex:
    """Everything named in one file, immutable once built. `path` is the file the index was built for."""

    path: Path | None = None
    definitions: tuple[Symbol, ...] = ()
    references: tuple[Reference, ...] = ()
    outline: tuple[OutlineNode, ...] = ()
    links: tuple[Link, ...] = ()
    folds: tuple[Range, ...] = ()
    _by_key: dict[str, tuple[Symbol, ...]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _spans: tuple[tuple[Position, Range, Symbol | Reference], ...] = field(
        default=(), init=False, repr=False, compare=False)
    _starts: tuple[Position, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key: dict[str, list[Symbol]] = {}
        for symbol in self.definitions:
            by_key.setdefault(symbol.key, []).append(symbol)
        object.__setattr__(self, "_by_key", {k: tuple(v) for k, v in by_key.items()})
        local: list[tuple[Position, Range, Symbol | Reference]] = [
            (s.range.start, s.range, s) for s in self.definitions if s.path == self.path]
        local += [(r.range.start, r.range, r) for r in self.references if r.path == self.path]
        local.sort(key=lambda item: (item[0], item[1].end))
        object.__setattr__(self, "_spans", tuple(local))
        object.__setattr__(self, "_starts", tuple(item[0] for item in local))

    def lookup(self, key: str) -> tuple[Symbol, ...]:
        """The definitions with this key (several when a name is defined twice)."""
        return self._by_key.get(key, ())

    def at(self, pos: Position) -> Symbol | Reference | None:
        """The innermost definition name or reference under `pos` in this file (`Query::at` in taplo)."""
        best: Symbol | Reference | None = None
        best_range: Range | None = None
        last = bisect_right(self._starts, pos) - 1
        for i in range(last, max(last - _OVERLAP, -1), -1):  # names never nest deeper than this
            _, range_, item = self._spans[i]
            if _covers(range_, pos) and (best_range is None or best_range.contains(range_)):
                best, best_range = item, range_
        return best

    def key_at(self, pos: Position) -> str | None:
        found = self.at(pos)
        return found.key if found is not None else None

    def definition(self, pos: Position) -> tuple[Symbol, ...]:
        key = self.key_at(pos)
        return self.lookup(key) if key is not None else ()

    def references_to(self, key: str, include_declaration: bool = True) -> list[Location]:
        """Every use of `key` this index knows of (its own file, and other files it resolved into)."""
        found = [Location(r.path, r.range) for r in self.references if r.key == key]
        if include_declaration:
            found = [Location(s.path, s.range) for s in self.lookup(key)] + found
        return found

    def symbols_in(self, path: Path | None) -> Iterator[Symbol]:
        return (s for s in self.definitions if s.path == path)


EMPTY_INDEX = SymbolIndex()

# Keys whose names mean something only inside their own file: a Microkit system has no imports, so
# `mr:uart` in one `.system` and `mr:uart` in another are unrelated.
FILE_LOCAL_PREFIXES = ("pd:", "vm:", "mr:", "domain:", "channel:")


def is_file_local(key: str) -> bool:
    return key.startswith(FILE_LOCAL_PREFIXES)


def merge(indexes: Iterable[SymbolIndex], path: Path | None) -> SymbolIndex:
    """One index over several (e.g. an app and its imports), deduplicated, for workspace queries."""
    defs: dict[tuple[object, ...], Symbol] = {}
    refs: dict[tuple[object, ...], Reference] = {}
    for index in indexes:
        for s in index.definitions:
            defs.setdefault((s.key, s.path, s.range), s)
        for r in index.references:
            refs.setdefault((r.key, r.path, r.range), r)
    return SymbolIndex(path=path, definitions=tuple(defs.values()), references=tuple(refs.values()))
