"""The one diagnostic model used by every language, the CLI and the language server."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class Severity(IntEnum):
    """Ordered so that `a >= b` means "at least as serious"; names are what users type."""

    HINT = 1
    INFORMATION = 2
    WARNING = 3
    ERROR = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        aliases = {"info": "information", "warn": "warning"}
        return cls[aliases.get(text.lower(), text.lower()).upper()]


@dataclass(frozen=True, order=True)
class Position:
    """0-based line and 0-based column counted in Unicode code points (not bytes, not UTF-16)."""

    line: int
    character: int


@dataclass(frozen=True, order=True)
class Range:
    """A span of text from `start` to `end` (end exclusive)."""

    start: Position
    end: Position

    @staticmethod
    def at(line: int, character: int, end_line: int | None = None, end_character: int | None = None) -> Range:
        return Range(
            Position(line, character),
            Position(line if end_line is None else end_line,
                     character if end_character is None else end_character),
        )

    def contains(self, other: Range) -> bool:
        return self.start <= other.start and other.end <= self.end


ZERO_RANGE = Range.at(0, 0)


@dataclass(frozen=True)
class RelatedLocation:
    """Another place that explains a diagnostic, e.g. the first definition of a duplicate."""

    path: str | None
    range: Range
    message: str


@dataclass(frozen=True)
class TextEdit:
    """Replace `range` with `new_text`."""

    range: Range
    new_text: str


@dataclass(frozen=True)
class Fix:
    """A machine-applicable change offered as a quick fix; edits apply to the diagnostic's own file.

    `safe` fixes cannot change what the file means beyond the diagnostic's own claim (rounding to
    the page size, write-only perms to `rw`, moving legacy `pp`, sorting imports): `drvls check --fix`
    applies those alone; the others are offered in the editor only.
    """

    title: str
    edits: tuple[TextEdit, ...]
    safe: bool = False


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a file, with the places it relates to and the fixes offered for it."""

    code: str
    severity: Severity
    message: str
    range: Range
    related: tuple[RelatedLocation, ...] = ()
    fixes: tuple[Fix, ...] = ()
    source: str = "drvls"
    data: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def sort_key(self) -> tuple[int, int, str, str]:
        return (self.range.start.line, self.range.start.character, self.code, self.message)


@dataclass(frozen=True)
class FileDiagnostics:
    """Diagnostics of one file, as produced for a path (None for an unsaved buffer)."""

    path: str | None
    diagnostics: tuple[Diagnostic, ...]
