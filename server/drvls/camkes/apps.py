"""Finding the apps (files with an `assembly`) in the workspace that import a given file.

A cheap scan: `import` lines are read with a regular expression (no preprocessor) and
followed through the import path, so `#ifdef`-guarded imports count as imports. The folder is
walked by `core.discovery` (so `.gitignore` and `exclude` apply as in every other walk), and
the listing and each file's import lines are kept until a file event says they changed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from drvls.camkes.cache import CACHE, Bounded
from drvls.camkes.imports import find_on_path, import_closure, normal
from drvls.camkes.preprocess import ReadText
from drvls.camkes.settings import CamkesSettings
from drvls.core.discovery import iter_files

ASSEMBLY = re.compile(r"\bassembly\b")
ADL_SUFFIX = ".camkes"

_ListingKey = tuple[Path, tuple[str, ...]]


def _drop_listings(table: Bounded[_ListingKey, tuple[Path, ...]], paths: frozenset[Path]) -> None:
    """A listing changes when a file under its root appears or vanishes (not when one is edited)."""
    def doomed(key: _ListingKey, files: tuple[Path, ...]) -> bool:
        root = key[0]
        listed = set(files)
        return any(p.is_relative_to(root) and ((p in listed) != p.is_file()) for p in paths)
    table.drop_if(doomed)


_listings: Bounded[_ListingKey, tuple[Path, ...]] = CACHE.table(64, on_event=_drop_listings)


def adl_files(root: Path, excludes: Sequence[str] = ()) -> tuple[Path, ...]:
    """The `.camkes` files below `root` that a run over it would check."""
    key = (root, tuple(excludes))
    return _listings.get_or_compute(key, lambda: tuple(
        normal(p) for p in iter_files([root], excludes) if p.suffix.lower() == ADL_SUFFIX))


@dataclass(frozen=True)
class _Facts:
    """What the scan needs of one candidate: is it an app, and which files its import lines reach.

    `angle` is every `import <x>` the walk met with the file it found: under another import path
    that finds the same files the walk is the same, so these facts hold there too.
    """

    app: bool
    closure: frozenset[Path]
    angle: tuple[tuple[str, Path | None], ...] = ()

    def hold_for(self, settings: CamkesSettings, read: ReadText) -> bool:
        return all(find_on_path(target, settings, read) == found for target, found in self.angle)


def _drop_facts(table: Bounded[Path, tuple[_Facts, ...]], paths: frozenset[Path]) -> None:
    """An edited file changes the facts of itself and of the apps reaching it; a new or removed file
    can change what any import finds, so then everything goes."""
    known = {p for path, variants in table.items() for facts in variants for p in (path, *facts.closure)}
    if any(p not in known or not p.is_file() for p in paths):
        table.clear()
    else:
        table.drop_if(lambda path, variants: path in paths
                      or any(not facts.closure.isdisjoint(paths) for facts in variants))


# Each candidate's facts under the import paths seen so far (a few variants: most paths find the same files).
_facts: Bounded[Path, tuple[_Facts, ...]] = CACHE.table(65536, on_event=_drop_facts)
VARIANTS = 8


def _candidate(path: Path, settings: CamkesSettings, read: ReadText) -> _Facts:
    variants = _facts.get(path) or ()
    for facts in variants:
        if facts.hold_for(settings, read):
            return facts
    text = read(path)
    app = text is not None and ASSEMBLY.search(text) is not None
    angle: dict[str, Path | None] = {}
    closure = frozenset(import_closure(path, text, settings, read, angle)) if app and text is not None else frozenset()
    found = _Facts(app, closure, tuple(angle.items()))
    _facts.put(path, (*variants[-(VARIANTS - 1):], found))
    return found


def _drop_reverse(table: Bounded[tuple[object, ...], dict[Path, tuple[Path, ...]]], paths: frozenset[Path]) -> None:
    table.clear()  # rebuilt from the per-file facts, which keep what the event did not touch


_reverse: Bounded[tuple[object, ...], dict[Path, tuple[Path, ...]]] = CACHE.table(64, on_event=_drop_reverse)


def importing_apps(target: Path, roots: Sequence[Path], settings: CamkesSettings, read: ReadText,
                   excludes: Sequence[str] = ()) -> list[Path]:
    """Apps under `roots` whose import closure contains `target` (target itself excluded), in path order."""
    target = normal(target)
    key = (tuple(roots), tuple(excludes), settings.import_key)
    index = _reverse.get_or_compute(key, lambda: _build_reverse(roots, settings, read, excludes))
    return [app for app in index.get(target, ()) if app != target]


def _build_reverse(roots: Sequence[Path], settings: CamkesSettings, read: ReadText,
                   excludes: Sequence[str]) -> dict[Path, tuple[Path, ...]]:
    """File → the apps reaching it, over every app under `roots` (each app once, in the order found)."""
    reverse: dict[Path, dict[Path, None]] = {}
    for root in roots:
        for candidate in adl_files(root, excludes):
            facts = _candidate(candidate, settings, read)
            if not facts.app:
                continue
            for dep in facts.closure:
                reverse.setdefault(dep, {})[candidate] = None
    return {dep: tuple(apps) for dep, apps in reverse.items()}
