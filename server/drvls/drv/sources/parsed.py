"""What parsing a rule source yields: the rules, where each one is written, and parse problems."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from drvls.core.diagnostics import Diagnostic, Position, Range
from drvls.drv.model import Rule, RuleSet
from drvls.drv.sources.detect import Format
from drvls.drv.sources.markdown import Segment

if TYPE_CHECKING:
    from drvls.drv.sources.emitted import EmitHeader


@dataclass(frozen=True)
class RuleSite:
    """Where one rule is written in its source, for diagnostics and the no-text-lost guarantee."""

    anchor: Range  # the rule's main text (a bullet's text, a heading's title)
    lines: frozenset[int]  # 1-based source lines whose text this rule carries
    segments: tuple[Segment, ...] = ()  # the description's text, line by line (standards)

    def locate(self, offset: int, length: int) -> Range:
        """The range of `length` code points at `offset` of the description text."""
        return Range(self.position(offset), self.position(offset + length))

    def position(self, offset: int) -> Position:
        for seg in self.segments:
            if offset <= len(seg.text):
                return Position(seg.line - 1, seg.column + offset)
            offset -= len(seg.text) + 1
        return self.anchor.end


@dataclass
class ParsedSource:
    rules: list[Rule] = field(default_factory=list)
    sites: list[RuleSite] = field(default_factory=list)  # parallel to `rules`
    problems: list[Diagnostic] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # what this file adds to `RuleSet.sources`
    positions: list[int | None] = field(default_factory=list)  # emitted files: each rule's index in its set
    generated: EmitHeader | None = None  # the header of a file written by `drvls emit`
    format: Format | None = None  # the dialect the analyzer read it in (front-matter completion needs it)

    def ruleset(self) -> RuleSet:
        return RuleSet(rules=list(self.rules), sources=list(self.sources))


def segments_range(segments: Sequence[Segment]) -> Range:
    """From the first segment's start to the last segment's end."""
    first, last = segments[0], segments[-1]
    return Range(Position(first.line - 1, first.column), Position(last.line - 1, last.column + len(last.text)))


def line_range(line: int, column: int, text: str) -> Range:
    """A range on one 1-based line."""
    return Range(Position(line - 1, column), Position(line - 1, column + len(text)))
