"""What makes a keystroke cost what it touches: facts kept per snapshot, and the reuse of cross-check results.

An edit inside one top-level element re-parses that element alone. The cross-element checks read
only some facts of each element (names, ids, addresses, sizes, priorities, …: its `signature`);
when the edited element's signature is unchanged, the previous cross-check findings still hold and
are only moved (`remap`). Otherwise the cross checks run again over the whole model.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drvls.microkit.model import Change, FixPlan, Issue, Related
from drvls.microkit.xmltree import Anchor, El


@dataclass(frozen=True)
class Facts:
    """The parts of one snapshot's findings, kept apart so the next edit can replace one element's share."""

    system_el: El
    system_issues: tuple[Issue, ...]  # `<system>`'s attributes, text in it, a repeated `<domains>`
    element_issues: tuple[Issue, ...]  # every top-level element's own findings
    cross_issues: tuple[Issue, ...]
    located: bool  # a cross finding embeds a `file:row:col`, which any edit above it changes
    deps: frozenset[Path]


def signature(value: Any) -> Any:
    """The facts of a model item that the cross checks read: every field but elements and caches."""
    kind = type(value)
    how = _KINDS.get(kind)
    if how is None:
        how = _kind_of(value)
    if how is _PLAIN:
        return value
    if how is _ELEMENT:
        return value.tag
    if how is _SEQUENCE:
        return tuple(map(signature, value))
    if how is _MAPPING:
        return tuple((k, signature(v)) for k, v in value.items())
    return (kind.__name__, *(signature(getattr(value, name)) for name in how))


# How `signature` reads each type, found once per type: a keystroke signs a whole PD (hundreds of
# maps), so the per-value dataclass introspection was most of an edit's cost.
_PLAIN, _ELEMENT, _SEQUENCE, _MAPPING = ("plain",), ("element",), ("sequence",), ("mapping",)
_KINDS: dict[type, tuple[str, ...]] = {str: _PLAIN, int: _PLAIN, bool: _PLAIN, float: _PLAIN,
                                       type(None): _PLAIN, bytes: _PLAIN, list: _SEQUENCE, tuple: _SEQUENCE,
                                       dict: _MAPPING}


def _kind_of(value: Any) -> tuple[str, ...]:
    how: tuple[str, ...]
    if isinstance(value, El):
        how = _ELEMENT
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        how = tuple(f.name for f in dataclasses.fields(value) if f.name != "el" and not f.name.startswith("_"))
    elif isinstance(value, (list, tuple)):
        how = _SEQUENCE
    elif isinstance(value, dict):
        how = _MAPPING
    else:
        how = _PLAIN
    _KINDS[type(value)] = how
    return how


class Moved(Exception):
    """A finding's range overlaps the edit: it cannot be moved, so the checks run again."""


@dataclass(frozen=True)
class Shift:
    """Moves offsets of the edited element (relative to its anchor) from the old text to the new one."""

    old: Anchor
    new: Anchor
    edit_start: int  # relative to the element's start
    edit_old_end: int
    delta: int

    def span(self, anchor: Anchor, start: int, end: int) -> tuple[Anchor, int, int]:
        if anchor is not self.old:
            return anchor, start, end
        if end <= self.edit_start:
            return self.new, start, end
        if start >= self.edit_old_end and start > self.edit_start:
            return self.new, start + self.delta, end + self.delta
        raise Moved

    def issue(self, found: Issue) -> Issue:
        anchor, start, end = self.span(found.anchor, found.start, found.end)
        related = tuple(Related(*self.span(r.anchor, r.start, r.end), r.message) for r in found.related)
        fixes = tuple(FixPlan(plan.title, tuple(Change(*self.span(c.anchor, c.start, c.end), c.text)
                                                for c in plan.changes), plan.safe) for plan in found.fixes)
        return dataclasses.replace(found, anchor=anchor, start=start, end=end, related=related, fixes=fixes)


def remap(issues: tuple[Issue, ...], shift: Shift) -> tuple[Issue, ...] | None:
    """The findings moved by `shift`, or None when one of them touches the edited text."""
    try:
        return tuple(shift.issue(i) for i in issues)
    except Moved:
        return None
