"""Applying fixes to a file's text, as `drvls check --fix` does: safe fixes only, in rounds.

Each round re-analyses the text, takes the safe fixes whose edits overlap no fix already taken,
and applies them together; a fix left out because it overlapped another waits for the next round,
when it is computed again on the new text, so overlapping edits never corrupt the file. Rounds stop
when nothing is left to apply, or after `MAX_ROUNDS` (a fix that keeps re-appearing cannot loop).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from drvls.core.code_actions import Action, actions
from drvls.core.diagnostics import Fix, TextEdit
from drvls.core.languages import Analysis
from drvls.core.text import LineIndex

MAX_ROUNDS = 10

Analyse = Callable[[str], Analysis]


@dataclass(frozen=True)
class FixOutcome:
    """The fixed text, what was applied (changes per code), and the analysis of the fixed text."""

    original: str
    text: str
    analysis: Analysis
    applied: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return self.text != self.original


def safe_actions(path: Path | None, text: str, analysis: Analysis) -> list[Action]:
    return [a for a in actions(path, text, analysis) if a.fix.safe and a.fix.edits]


def fix_text(path: Path | None, text: str, analyse: Analyse, rounds: int = MAX_ROUNDS) -> FixOutcome:
    """Apply the safe fixes of `text` (analysed by `analyse`) until none is left."""
    applied: Counter[str] = Counter()
    current = text
    analysis = analyse(current)
    for _ in range(rounds):
        chosen = non_overlapping(safe_actions(path, current, analysis), LineIndex(current))
        if not chosen:
            break
        fixed = apply_fixes(current, [a.fix for a in chosen])
        if fixed == current:
            break
        applied.update(a.code for a in chosen)
        current = fixed
        analysis = analyse(current)
    return FixOutcome(text, current, analysis, applied)


def _spans(fix: Fix, index: LineIndex) -> list[tuple[int, int]]:
    return [(index.byte_offset(e.range.start), index.byte_offset(e.range.end)) for e in fix.edits]


def _touch(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Two edits conflict when their spans overlap, or meet at a point where one inserts."""
    return (a[0] < b[1] and b[0] < a[1]) or a[0] == b[0] or a[1] == b[1] or (
        a[0] == a[1] and b[0] <= a[0] <= b[1]) or (b[0] == b[1] and a[0] <= b[0] <= a[1])


def non_overlapping(candidates: Sequence[Action], index: LineIndex) -> list[Action]:
    """The candidates, in order, each kept only if no edit of it touches an edit already kept."""
    kept: list[Action] = []
    taken: list[tuple[int, int]] = []
    for action in candidates:
        spans = _spans(action.fix, index)
        if any(s[0] > s[1] for s in spans) or _self_overlap(spans):
            continue
        if any(_touch(s, t) for s in spans for t in taken):
            continue
        kept.append(action)
        taken.extend(spans)
    return kept


def _self_overlap(spans: list[tuple[int, int]]) -> bool:
    ordered = sorted(spans)
    return any(a[1] > b[0] for a, b in pairwise(ordered))


def apply_fixes(text: str, fixes: Sequence[Fix]) -> str:
    """Apply the edits of fixes that do not overlap one another (checked by `non_overlapping`)."""
    index = LineIndex(text)
    edits: list[tuple[int, int, TextEdit]] = []
    for fix in fixes:
        edits.extend((index.byte_offset(e.range.start), index.byte_offset(e.range.end), e) for e in fix.edits)
    data = index.data
    for start, end, edit in sorted(edits, key=lambda item: (item[0], item[1]), reverse=True):
        data = data[:start] + edit.new_text.encode("utf-8", "surrogatepass") + data[end:]
    return data.decode("utf-8", "surrogatepass")


def summary(applied: Counter[str]) -> str:
    """`3 × MK034, 1 × MK030`: changes per code, most first, then by code."""
    return ", ".join(f"{n} × {code}" for code, n in sorted(applied.items(), key=lambda kv: (-kv[1], kv[0])))
