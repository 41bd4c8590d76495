"""A finding's identity across commits, for code scanning (SARIF) and GitLab code quality alike."""

from __future__ import annotations

import hashlib
from pathlib import Path

from drvls.core.diagnostics import Diagnostic


def fingerprint(path: str, d: Diagnostic, occurrence: int) -> str:
    """Code, file and message, not the line number, so a finding keeps its identity when lines move
    (`occurrence` tells identical findings in one file apart)."""
    key = "\0".join((d.code, Path(path).as_posix(), d.message, str(occurrence)))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class Occurrences:
    """Counts identical (code, message) findings within one file."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], int] = {}

    def next(self, d: Diagnostic) -> int:
        key = (d.code, d.message)
        n = self._seen.get(key, 0)
        self._seen[key] = n + 1
        return n


def relative_path(path: str | None) -> str | None:
    """The path relative to the current folder (the checkout root in CI), or None outside it."""
    if path is None:
        return None
    p = Path(path)
    absolute = p if p.is_absolute() else Path.cwd() / p
    try:
        return absolute.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return None
