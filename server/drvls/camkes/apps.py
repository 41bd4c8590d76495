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
from drvls.camkes.imports import import_closure, normal
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
    """What the scan needs of one candidate: is it an app, and which files its import lines reach."""

    app: bool
    closure: frozenset[Path]


_IndexKey = tuple[Path, str]


def _drop_facts(table: Bounded[_IndexKey, _Facts], paths: frozenset[Path]) -> None:
    """An edited file changes the facts of itself and of the apps reaching it; a new or removed file
    can change what any import finds, so then everything goes."""
    known = {p for key, facts in table.items() for p in (key[0], *facts.closure)}
    if any(p not in known or not p.is_file() for p in paths):
        table.clear()
    else:
        table.drop_if(lambda key, facts: key[0] in paths or not facts.closure.isdisjoint(paths))


_facts: Bounded[_IndexKey, _Facts] = CACHE.table(65536, on_event=_drop_facts)


def _candidate(path: Path, settings: CamkesSettings, read: ReadText) -> _Facts:
    key = (path, settings.import_key)
    found = _facts.get(key)
    if found is None:
        text = read(path)
        app = text is not None and ASSEMBLY.search(text) is not None
        closure = frozenset(import_closure(path, text, settings, read)) if app and text is not None else frozenset()
        found = _facts.put(key, _Facts(app, closure))
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
    """File → the apps reaching it, over every app under `roots`."""
    reverse: dict[Path, list[Path]] = {}
    for root in roots:
        for candidate in adl_files(root, excludes):
            facts = _candidate(candidate, settings, read)
            if not facts.app:
                continue
            for dep in facts.closure:
                apps = reverse.setdefault(dep, [])
                if candidate not in apps:
                    apps.append(candidate)
    return {dep: tuple(apps) for dep, apps in reverse.items()}
