"""A one-line progress bar on a terminal for runs over many files; silent when stderr is not a terminal."""

from __future__ import annotations

import sys
from typing import TextIO

WIDTH = 24
MIN_FILES = 2  # a one-file run finishes before a bar would be read


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.total = total
        self.done = 0
        self.errors = 0
        self.enabled = enabled and total >= MIN_FILES and _is_terminal(self.stream)

    def advance(self, files: int, errors: int) -> None:
        self.done += files
        self.errors += errors
        if self.enabled:
            filled = WIDTH * self.done // max(1, self.total)
            bar = "#" * filled + "-" * (WIDTH - filled)
            noun = "error" if self.errors == 1 else "errors"
            self.stream.write(f"\r[{bar}] {self.done}/{self.total} files, {self.errors} {noun} so far")
            self.stream.flush()

    def close(self) -> None:
        """Erase the bar, so the report that follows starts on a clean line."""
        if self.enabled:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
