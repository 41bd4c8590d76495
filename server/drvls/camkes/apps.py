"""Finding the apps (files with an `assembly`) in the workspace that import a given file.

A cheap scan: `import` lines are read with a regular expression (no preprocessor) and
followed through the import path, so `#ifdef`-guarded imports count as imports. The folder
listing and the file → apps index are rebuilt after a few seconds, so a new `import` line
in an app is seen shortly after it is typed.
"""

from __future__ import annotations

import re
from pathlib import Path

from drvls.camkes.imports import import_closure, normal
from drvls.camkes.preprocess import ReadText
from drvls.camkes.settings import CamkesSettings
from drvls.camkes.ttl_cache import TtlCache

ASSEMBLY = re.compile(r"\bassembly\b")
SKIP_DIRS = frozenset({".git", "node_modules", "build", "__pycache__", ".venv"})

_listings: TtlCache[Path, list[Path]] = TtlCache(64)


def adl_files(root: Path) -> list[Path]:
    return _listings.get_or_compute(root, lambda: _list_adl_files(root))


def _list_adl_files(root: Path) -> list[Path]:
    return [normal(path) for path in sorted(root.rglob("*.camkes"))
            if not SKIP_DIRS.intersection(path.relative_to(root).parts)]


_index: TtlCache[tuple[tuple[Path, ...], tuple[Path, ...]], dict[Path, list[Path]]] = TtlCache(64)


def importing_apps(target: Path, roots: list[Path], settings: CamkesSettings, read: ReadText) -> list[Path]:
    """Apps under `roots` whose import closure contains `target` (target itself excluded).

    The reverse index (file → apps) is built once for all files and kept a few seconds.
    """
    target = normal(target)
    key = (tuple(roots), settings.import_path)  # only the import path changes which files import which
    index = _index.get_or_compute(key, lambda: build_index(roots, settings, read))
    return [app for app in index.get(target, []) if app != target]


def build_index(roots: list[Path], settings: CamkesSettings, read: ReadText) -> dict[Path, list[Path]]:
    reverse: dict[Path, list[Path]] = {}
    for root in roots:
        for candidate in adl_files(root):
            text = read(candidate)
            if text is None or not ASSEMBLY.search(text):
                continue
            for dep in import_closure(candidate, text, settings, read):
                apps = reverse.setdefault(dep, [])
                if candidate not in apps:
                    apps.append(candidate)
    return reverse
