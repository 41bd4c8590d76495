"""Renaming a name everywhere it is written: the file edits, or a plain reason why not.

Family-neutral: the definitions and references come from the query layer (every index the caller
holds that sees the same definition, so uses in imported files and in files only on disk are
included, and an unrelated app's name with the same key is not), and each family says
through `RenameRules` which of its keys may be renamed, which names it accepts and which keys a new
name would collide with. Every edit is checked against the text it applies to: a use written in
another form (`instance.interface`) changes only its last name, and a range whose text is not the
old name refuses the whole rename rather than writing over something else. `lines_of` gives the
text each range refers to (None: the file asked about), as the caller holds it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from drvls.core.diagnostics import Position, Range
from drvls.core.query import Query
from drvls.core.symbols import Location, Reference, Symbol, SymbolIndex, is_file_local
from drvls.core.text import LineIndex


class RenameRules(Protocol):
    """What one family decides about renaming its names."""

    def renameable(self, key: str) -> bool:
        """True for keys whose definitions and uses the family's index records completely."""
        ...

    def invalid(self, key: str, new_name: str) -> str | None:
        """Why `new_name` is not a valid name for what `key` denotes, or None when it is."""
        ...

    def rivals(self, key: str, new_name: str) -> tuple[str, ...]:
        """The keys whose existing definitions `new_name` would collide with."""
        ...

    def incomplete(self, model: object) -> str | None:
        """Why the file's model (`Analysis.model`) may be missing uses (syntax errors), or None."""
        ...


class RenameRefused(Exception):
    """A rename that cannot be made; the message says why, in the user's words."""


@dataclass(frozen=True)
class Target:
    """What is renamed: the name under the cursor (its exact range in this file) and its key."""

    key: str
    name: str
    range: Range


@dataclass(frozen=True)
class FileEdit:
    """Replace `range` of the file at `path` (None: the file asked about) with `new_text`."""

    path: Path | None
    range: Range
    new_text: str


def rules_for(key: str, families: Iterable[RenameRules]) -> RenameRules | None:
    return next((rules for rules in families if rules.renameable(key)), None)


def prepare(query: Query, pos: Position, families: Sequence[RenameRules],
            lines_of: Callable[[Path | None], LineIndex]) -> Target | None:
    """The renameable name under `pos`, or None where there is none (no name, a kind the families do
    not rename, a name with no definition)."""
    found = query.at(pos)
    if found is None or rules_for(found.key, families) is None or not query.definitions_of(found.key):
        return None
    old = _defined_name(query, found)
    narrowed = _name_range(lines_of(None), found.range, old)
    if narrowed is None or not (narrowed.start <= pos <= narrowed.end):
        return None
    return Target(found.key, old, narrowed)


def rename(query: Query, pos: Position, new_name: str, families: Sequence[RenameRules],
           lines_of: Callable[[Path | None], LineIndex], model: object = None) -> list[FileEdit]:
    """Every edit that renames the name under `pos` to `new_name`, in file order per file."""
    target = prepare(query, pos, families, lines_of)
    if target is None:
        raise RenameRefused("nothing that can be renamed is at this position")
    rules = rules_for(target.key, families)
    assert rules is not None  # prepare found them
    unsure = rules.incomplete(model)
    if unsure is not None:
        raise RenameRefused(unsure)
    if new_name == target.name:
        return []
    reason = rules.invalid(target.key, new_name)
    if reason is not None:
        raise RenameRefused(reason)
    scope = _scope(query, target.key)
    for rival in rules.rivals(target.key, new_name):
        taken = next((s for index in scope for s in index.lookup(rival)), None)
        if taken is not None:
            raise RenameRefused(f"'{new_name}' is already the name of {_described(taken, query)}")
    return _edits(query, scope, target, new_name, lines_of)


def _defined_name(query: Query, found: Symbol | Reference) -> str:
    defined = query.definitions_of(found.key)
    return defined[0].name if defined else found.name


def _scope(query: Query, key: str) -> tuple[SymbolIndex, ...]:
    """The held indexes that see the very definition being renamed (an app, the files it imports, other
    apps importing the same file), not those of an unrelated app that defines a name with the same key."""
    if is_file_local(key):
        return (query.index,)
    defining = query.index if query.index.lookup(key) else next((i for i in query.all if i.lookup(key)), query.index)
    mine = {_where(s, defining) for s in defining.lookup(key)}
    return tuple(index for index in query.all if any(_where(s, index) in mine for s in index.lookup(key)))


def _where(symbol: Symbol, index: SymbolIndex) -> tuple[Path | None, Range]:
    return (symbol.path if symbol.path is not None else index.path, symbol.range)


def _uses(scope: Sequence[SymbolIndex], key: str) -> list[Location]:
    """Every definition and use of `key` in `scope`, once each."""
    found: dict[tuple[Path | None, Range], None] = {}
    for index in scope:
        for symbol in index.lookup(key):
            found.setdefault(_where(symbol, index))
    for index in scope:
        for ref in index.references:
            if ref.key == key:
                found.setdefault((ref.path if ref.path is not None else index.path, ref.range))
    return [Location(path, range_) for path, range_ in found]


def _edits(query: Query, scope: Sequence[SymbolIndex], target: Target, new_name: str,
           lines_of: Callable[[Path | None], LineIndex]) -> list[FileEdit]:
    edits: list[FileEdit] = []
    seen: set[tuple[Path | None, Range]] = set()
    for loc in sorted(_uses(scope, target.key), key=_file_order):
        path = loc.path if loc.path != query.index.path else None
        narrowed = _name_range(lines_of(path), loc.range, target.name)
        if narrowed is None:
            where = loc.path.name if loc.path is not None else "this file"
            raise RenameRefused(f"the use of '{target.name}' at {where}:{loc.range.start.line + 1} is not written "
                                f"as that name (the file may have changed since it was analysed); nothing was renamed")
        if (path, narrowed) not in seen:
            seen.add((path, narrowed))
            edits.append(FileEdit(path, narrowed, new_name))
    return edits


def _file_order(loc: Location) -> tuple[str, Position, Position]:
    return (str(loc.path), loc.range.start, loc.range.end)


def _name_range(index: LineIndex, range_: Range, name: str) -> Range | None:
    """The part of `range_` that spells `name`: all of it, or the last name of a dotted form."""
    if range_.start.line != range_.end.line or range_.start.line >= index.line_count or not name:
        return None
    written = index.line_text(range_.start.line)[range_.start.character:range_.end.character]
    if written == name:
        return range_
    if written.endswith("." + name):
        start = Position(range_.start.line, range_.end.character - len(name))
        return Range(start, range_.end)
    return None


def _described(symbol: Symbol, query: Query) -> str:
    path = symbol.path if symbol.path is not None else query.index.path
    where = f" ({path.name}:{symbol.range.start.line + 1})" if path is not None else ""
    article = "an" if symbol.kind.value[:1] in "aeiou" else "a"
    return f"{article} {symbol.kind.value}{where}"
