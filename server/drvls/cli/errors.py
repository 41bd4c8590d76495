"""Errors the CLI reports as one line and exit status 2, never as a traceback."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


class UsageError(Exception):
    """Bad arguments or an unusable config: exit status 2."""


def require_existing(paths: Iterable[Path]) -> None:
    """The one exit-code convention: a path that does not exist is a usage error (2) in every command."""
    for path in paths:
        if str(path) != "-" and not path.exists():
            raise UsageError(f"no such file or folder: {path}")
