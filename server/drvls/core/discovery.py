"""Which files a run covers: named files always, folders recursively minus ignored paths.

Ignore rules follow `.gitignore` semantics (via pathspec): every `.gitignore` found from the
walked folder down applies to its own subtree, plus `exclude` patterns from the config.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from drvls.core.config import Settings
from drvls.core.languages import analyzer_for
from drvls.core.reading import ReadProblem, read_text_bounded

if TYPE_CHECKING:  # pathspec is imported only when a folder is walked: `check FILE` skips its cost
    from pathspec import PathSpec
    from pathspec.pattern import Pattern

    Spec = PathSpec[Pattern]

ALWAYS_SKIPPED = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", ".tox"})


def config_excludes(settings: Settings) -> tuple[list[str], str | None]:
    """The config's `exclude` patterns, for every walk (CLI and server alike), and a warning when they
    are dropped: under a signature requirement a repository must not be able to hide its own unsigned
    files (pass `--exclude` on the command line instead)."""
    patterns = [str(e) for e in settings.get("exclude") or ()]
    if patterns and settings.section("signing").get("require_signatures"):
        return [], ("with --require-signatures the config file's `exclude` is not applied; "
                    "pass --exclude on the command line instead")
    return patterns, None


def _spec(lines: Iterable[str]) -> Spec:
    """`GitIgnoreSpec` follows git where plain `gitwildmatch` patterns differ (a re-included file under an
    excluded folder), and is the form pathspec keeps: the `gitwildmatch` name is deprecated."""
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines(lines)


def _gitignore(folder: Path) -> Spec | None:
    text = read_text_bounded(folder / ".gitignore")
    if isinstance(text, ReadProblem):
        return None
    return _spec(text.splitlines())


def _ignored(path: Path, is_dir: bool, rules: Sequence[tuple[Path, Spec]]) -> bool:
    for base, spec in rules:
        rel = path.relative_to(base).as_posix() + ("/" if is_dir else "")
        if spec.match_file(rel):
            return True
    return False


def iter_files(paths: Sequence[Path], excludes: Sequence[str] = (), every: bool = False) -> Iterator[Path]:
    """Files some analyzer handles, in a stable order; a named file is yielded even if ignored.

    `every` (for `--require-signatures`): only `excludes` apply, no `.gitignore` and no folder is
    skipped by name, so a repository cannot hide its own files from the check.
    """
    seen: set[Path] = set()
    for root in paths:
        if root.is_dir():
            base_rules = [(root, _spec(excludes))] if excludes else []
            for found in _walk(root, base_rules, every):
                if found not in seen:
                    seen.add(found)
                    yield found
        elif root not in seen:
            seen.add(root)
            yield root


def _walk(root: Path, inherited: list[tuple[Path, Spec]], every: bool = False) -> Iterator[Path]:
    rules = list(inherited)
    own = None if every else _gitignore(root)
    if own is not None:
        rules.append((root, own))
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            continue
        if is_dir:
            if (entry.name in ALWAYS_SKIPPED and not every) or _ignored(path, True, rules):
                continue
            yield from _walk(path, rules, every)
        elif _regular_file(entry) and not _ignored(path, False, rules) and analyzer_for(path) is not None:
            yield path


def _regular_file(entry: os.DirEntry[str]) -> bool:
    """Regular files and symlinks to them; not FIFOs (reading one would block), sockets, devices or
    broken or looping links."""
    try:
        return entry.is_file()
    except OSError:
        return False
