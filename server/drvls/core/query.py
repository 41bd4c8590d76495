"""Navigation over analyses: what is at a position, where it is defined, where it is used, outlines.

The `ide` layer of rust-analyzer, in core types: a `Query` holds the index of the file asked about
plus the indexes of every other analysis the caller holds (an app and its imports, the other open
files), all immutable snapshots, so answering never parses and never changes anything. The LSP
layer only converts positions and results.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from drvls.core.diagnostics import Position, Range
from drvls.core.symbols import Link, Location, OutlineNode, Reference, Symbol, SymbolIndex, is_file_local


@dataclass(frozen=True)
class Highlight:
    """One occurrence of the name under the cursor in the same file; `definition` tells a write from a read."""

    range: Range
    definition: bool


class Query:
    """Questions about one file (`index`) answered over it and every index in `others`."""

    def __init__(self, index: SymbolIndex, others: Iterable[SymbolIndex] = ()) -> None:
        self.index = index
        self.all: tuple[SymbolIndex, ...] = (index, *(o for o in others if o is not index))

    # -- names -------------------------------------------------------------------------------------

    def at(self, pos: Position) -> Symbol | Reference | None:
        """The innermost name under `pos` (a definition's name or a reference), as taplo's `Query::at`."""
        return self.index.at(pos)

    def definitions_of(self, key: str) -> list[Symbol]:
        """Every definition with `key` in any held index, once each; for a file-local key (a Microkit
        name: two systems may each define `mr:uart`) only this file's."""
        seen: set[tuple[object, ...]] = set()
        found: list[Symbol] = []
        for index in ((self.index,) if is_file_local(key) else self.all):
            for symbol in index.lookup(key):
                where = (key, self._path(symbol.path, index), symbol.range)
                if where not in seen:
                    seen.add(where)
                    found.append(symbol)
        return found

    def definition(self, pos: Position) -> list[Location]:
        """Where the name under `pos` is defined (also for a definition itself: its own name)."""
        found = self.at(pos)
        if found is None:
            return []
        return [Location(self._symbol_path(s), s.range) for s in self.definitions_of(found.key)]

    declaration = definition  # the languages here do not separate the two

    def references(self, pos: Position, include_declaration: bool = True) -> list[Location]:
        """Every use of the name under `pos`, in every held index, with its definitions first if asked."""
        found = self.at(pos)
        return self.references_to(found.key, include_declaration) if found is not None else []

    def references_to(self, key: str, include_declaration: bool = True) -> list[Location]:
        out: list[Location] = []
        seen: set[tuple[Path | None, Range]] = set()

        def add(path: Path | None, range_: Range) -> None:
            if (path, range_) not in seen:
                seen.add((path, range_))
                out.append(Location(path, range_))

        if include_declaration:
            for symbol in self.definitions_of(key):
                add(self._symbol_path(symbol), symbol.range)
        for index in ((self.index,) if is_file_local(key) else self.all):
            for ref in index.references:
                if ref.key == key:
                    add(self._path(ref.path, index), ref.range)
        return out

    def highlights(self, pos: Position) -> list[Highlight]:
        """Every occurrence in this file of the name under `pos`, in file order."""
        found = self.at(pos)
        if found is None:
            return []
        here = self.index.path
        spans = [Highlight(s.range, True) for s in self.index.lookup(found.key) if s.path == here]
        spans += [Highlight(r.range, False) for r in self.index.references if r.key == found.key and r.path == here]
        return sorted(set(spans), key=lambda h: (h.range.start, h.range.end))

    # -- structure ---------------------------------------------------------------------------------

    def outline(self) -> tuple[OutlineNode, ...]:
        """The family's hierarchical outline, or its definitions in this file, flat, when it has none."""
        if self.index.outline:
            return self.index.outline
        here = sorted(self.index.symbols_in(self.index.path), key=lambda s: (s.full_range.start, s.full_range.end))
        return tuple(OutlineNode(s) for s in here)

    def folding_ranges(self) -> list[Range]:
        """The family's folds plus every multi-line definition of the outline, once each, in order."""
        spans = set(self.index.folds)
        spans.update(s.full_range for s in _walk(self.outline()) if s.full_range.end.line > s.full_range.start.line)
        return sorted((r for r in spans if r.end.line > r.start.line), key=lambda r: (r.start, r.end))

    def selection_ranges(self, positions: Sequence[Position], document: Range | None = None) -> list[list[Range]]:
        """For each position, ranges from the innermost (the name under it) out to the whole document,
        each containing the one before: the name, then every definition around it."""
        here = self.index.path
        enclosing = [s.full_range for s in self.index.definitions if s.path == here]
        enclosing += [s.full_range for s in _walk(self.outline())]
        out: list[list[Range]] = []
        for pos in positions:
            found = self.at(pos)
            candidates = {r for r in enclosing if r.start <= pos <= r.end}
            if found is not None:
                candidates.add(found.range)
            if document is not None:
                candidates.add(document)
            chain: list[Range] = []
            for range_ in sorted(candidates, key=_inner_first):
                if not chain or (range_.contains(chain[-1]) and range_ != chain[-1]):
                    chain.append(range_)
            out.append(chain or [Range(pos, pos)])
        return out

    def links(self) -> tuple[Link, ...]:
        return self.index.links

    # -- internals ---------------------------------------------------------------------------------

    def _symbol_path(self, symbol: Symbol) -> Path | None:
        return symbol.path if symbol.path is not None else self.index.path

    @staticmethod
    def _path(path: Path | None, index: SymbolIndex) -> Path | None:
        return path if path is not None else index.path


def _inner_first(range_: Range) -> tuple[int, int, Position]:
    """Sorts a range before every range that contains it: later start first, then earlier end."""
    return (-range_.start.line, -range_.start.character, range_.end)


def _walk(nodes: Iterable[OutlineNode]) -> Iterator[Symbol]:
    for node in nodes:
        yield node.symbol
        yield from _walk(node.children)


# -- workspace symbols -----------------------------------------------------------------------------

def fuzzy_score(query: str, name: str) -> int | None:
    """How well `name` matches `query` (higher is better), None when it does not: every query
    character must occur in order, case-insensitively (as rust-analyzer's symbol search)."""
    if not query:
        return 0
    lowered, wanted = name.lower(), query.lower()
    if lowered == wanted:
        return 1000
    if lowered.startswith(wanted):
        return 800 - len(name)
    if wanted in lowered:
        return 600 - lowered.index(wanted) - len(name)
    position, gaps = 0, 0
    for ch in wanted:
        found = lowered.find(ch, position)
        if found < 0:
            return None
        gaps += found - position
        position = found + 1
    return 400 - gaps - len(name)


def workspace_symbols(indexes: Iterable[SymbolIndex], query: str, limit: int = 256) -> list[Symbol]:
    """Definitions of every index whose name fuzzily matches `query`, best first, once each."""
    scored: dict[tuple[object, ...], tuple[int, Symbol]] = {}
    for index in indexes:
        for symbol in index.definitions:
            score = fuzzy_score(query, symbol.name)
            if score is None:
                continue
            path = symbol.path if symbol.path is not None else index.path
            key = (symbol.key, path, symbol.range.start.line)  # one name on one line: one entry
            if key not in scored or scored[key][1].range.end <= symbol.range.end:
                scored[key] = (score, replace(symbol, path=path))
    ranked = sorted(scored.values(), key=lambda item: (-item[0], item[1].name, str(item[1].path)))
    return [symbol for _, symbol in ranked[:limit]]
