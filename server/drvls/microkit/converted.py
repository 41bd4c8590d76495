"""Issues → core diagnostics, reusing the previous snapshot's diagnostic where an edit moved nothing it names.

A keystroke re-reports every finding of the file (a large system has hundreds: one per PD whose
image is not built); making each diagnostic again (line lookups, ranges, related locations, fixes)
was most of a keystroke's cost at 100,000 lines. An issue object kept from the previous snapshot
keeps its diagnostic when all its offsets lie before the edit, or all lie on lines after the edit's
line and the edit added or removed no line break: then every line and column is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from drvls.core.diagnostics import Diagnostic, Fix, RelatedLocation, TextEdit
from drvls.core.languages import Edit, SourceFile
from drvls.core.text import LineIndex
from drvls.microkit.model import Issue
from drvls.microkit.xmltree import Anchor

BaseOf = Callable[[Anchor], int]
_BREAKS = (b"\n", b"\r")


@dataclass(frozen=True)
class Made:
    """One issue's diagnostic, with what decides whether the next snapshot may reuse it."""

    issue: Issue  # held, so the id keying it is never reused while it is remembered
    bases: tuple[int, ...]  # where each anchor it names started
    low: int  # its smallest and largest byte offsets in that text
    high: int
    path: str | None
    diagnostic: Diagnostic


Memo = Mapping[int, Made]


def _own_base(anchor: Anchor) -> int:
    return anchor.base


def anchors(item: Issue) -> tuple[Anchor, ...]:
    """Every anchor an issue's offsets count from: its own, its related locations', its fixes'."""
    if not item.related and not item.fixes:
        return (item.anchor,)
    return (item.anchor, *(r.anchor for r in item.related),
            *(c.anchor for plan in item.fixes for c in plan.changes))


def to_diagnostic(item: Issue, index: LineIndex, source: SourceFile, base_of: BaseOf = _own_base) -> Diagnostic:
    base = base_of(item.anchor)
    path = str(source.path) if source.path is not None else source.uri
    related = tuple(RelatedLocation(path, index.range(base_of(r.anchor) + r.start, base_of(r.anchor) + r.end),
                                    r.message)
                    for r in item.related)
    fixes = tuple(Fix(plan.title, tuple(TextEdit(index.range(base_of(c.anchor) + c.start,
                                                             base_of(c.anchor) + c.end), c.text)
                                        for c in plan.changes), plan.safe)
                  for plan in item.fixes)
    return Diagnostic(item.rule.code, item.rule.severity, item.message,
                      index.range(base + item.start, base + item.end), related, fixes)


def _span(item: Issue, base_of: BaseOf) -> tuple[int, int]:
    spans = [(base_of(item.anchor) + item.start, base_of(item.anchor) + item.end)]
    spans += [(base_of(r.anchor) + r.start, base_of(r.anchor) + r.end) for r in item.related]
    spans += [(base_of(c.anchor) + c.start, base_of(c.anchor) + c.end) for plan in item.fixes for c in plan.changes]
    return min(a for a, _ in spans), max(b for _, b in spans)


@dataclass(frozen=True)
class Unmoved:
    """Which offsets one edit left at the same line and column: up to `before`, and past `after` moved by `delta`."""

    before: int
    after: int | None  # the first line break after the edit (None: no line after it is unmoved)
    delta: int

    def keeps(self, made: Made, bases: tuple[int, ...]) -> bool:
        if bases == made.bases:
            if made.high <= self.before:
                return True
            if self.delta:
                return False
        elif self.after is None or any(new != old + self.delta for new, old in zip(bases, made.bases, strict=True)):
            return False
        return self.after is not None and made.low > self.before and made.low + self.delta > self.after


def unmoved(old: bytes, edit: Edit, new: bytes) -> Unmoved | None:
    """What `edit` (known to turn `old` into `new`) leaves in place; None when it touches a line break."""
    start = edit.start_byte
    near_old, near_new = old[max(0, start - 1):edit.old_end_byte + 1], new[max(0, start - 1):edit.new_end_byte + 1]
    if any(b in near_old or b in near_new for b in _BREAKS):
        return None
    end = new.find(b"\n", edit.new_end_byte)
    ret = new.find(b"\r", edit.new_end_byte, len(new) if end < 0 else end)  # looks no further than the line
    after = ret if ret >= 0 else end
    return Unmoved(start, after if after >= 0 else None, edit.new_end_byte - edit.old_end_byte)


def convert(issues: list[Issue], index: LineIndex, source: SourceFile, base_of: BaseOf, previous: Memo,
            moved: Unmoved | None) -> tuple[list[Diagnostic], dict[int, Made]]:
    """The diagnostics of `issues`, and what the next snapshot may reuse of them (`previous` is read
    only when `moved` says how this text came from the one it was made for)."""
    path = str(source.path) if source.path is not None else source.uri
    out: list[Diagnostic] = []
    memo: dict[int, Made] = {}
    for item in issues:
        bases = tuple(map(base_of, anchors(item)))
        made = previous.get(id(item)) if moved is not None else None
        if made is not None and moved is not None and made.issue is item and made.path == path \
                and moved.keeps(made, bases):
            if made.bases != bases:
                made = Made(item, bases, made.low + moved.delta, made.high + moved.delta, path, made.diagnostic)
        else:
            low, high = _span(item, base_of)
            made = Made(item, bases, low, high, path, to_diagnostic(item, index, source, base_of))
        memo[id(item)] = made
        out.append(made.diagnostic)
    return out, memo
