"""Where a cursor stands in a `.system` text: inside which elements, in which start tag and attribute.

The text around a cursor is, while someone types, exactly the part the model cannot hold (a tag
with no closing quote is no element). So the model only says where the enclosing top-level element
starts (or where the last whole one ended); from there to the cursor a small lexical scan follows
the open tags. It reads at most one top-level element's text, never the file, and never fails:
anything it cannot read is a context with no proposals.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from enum import Enum

from drvls.microkit.allocation import memo
from drvls.microkit.model import Item
from drvls.microkit.snapshot import SystemModel

_NAME = rb"[\w:.-]"
_TOKEN = re.compile(
    rb"<!--.*?-->|<\?.*?\?>|<!\[CDATA\[.*?\]\]>|<![A-Za-z][^<>]*>"
    rb"|</(" + _NAME + rb"+)\s*>"
    rb"|<(" + _NAME + rb"+)((?:[^<>\"']|\"[^\"<]*\"|'[^'<]*')*)>", re.S)
_ATTR = re.compile(rb"(" + _NAME + rb"+)\s*=\s*(?:\"([^\"<]*)\"|'([^'<]*)')")
_DONE = rb"(?:\s+" + _NAME + rb"+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*"
_ATTR_NAME = re.compile(_DONE + rb"\s+(" + _NAME + rb"*)")
_ATTR_VALUE = re.compile(_DONE + rb"\s+(" + _NAME + rb"+)\s*=\s*([\"']?)([^\"'<>]*)")
_OPEN_TAG = re.compile(rb"<(" + _NAME + rb"+)")
_NAME_PREFIX = re.compile(rb"</?(" + _NAME + rb"*)")
_VALUE_REST = re.compile(rb"[^\"'<>\s]*")
_WORD_BEFORE = re.compile(rb"[\w.-]*\Z")
LOOKAHEAD = 4096  # bytes after the cursor read for the rest of the tag being written


class Where(Enum):
    NOWHERE = "nowhere"  # in a comment, a processing instruction, or text that is not markup
    CONTENT = "content"  # between tags: whole elements fit here
    TAG_NAME = "tag_name"  # after `<`
    CLOSE = "close"  # after `</`
    ATTR_NAME = "attr_name"  # in a start tag, where an attribute name goes
    ATTR_VALUE = "attr_value"  # in (or right before) an attribute's value


def attributes(raw: bytes) -> dict[str, str]:
    """The complete `name="value"` pairs of a start tag's text, first of each name kept."""
    out: dict[str, str] = {}
    for m in _ATTR.finditer(raw):
        value = m.group(2) if m.group(2) is not None else m.group(3)
        out.setdefault(m.group(1).decode("utf-8", "replace"), value.decode("utf-8", "replace"))
    return out


@dataclass(frozen=True)
class Open:
    """An element whose start tag is before the cursor and whose end is not."""

    tag: str
    start: int  # byte offset of its `<`
    raw: bytes = field(default=b"", repr=False)  # its attribute text

    @property
    def attrs(self) -> dict[str, str]:
        return attributes(self.raw)


@dataclass(frozen=True)
class Cursor:
    """The context of one cursor position; byte offsets `start`..`end` are what a proposal replaces."""

    where: Where
    stack: tuple[Open, ...]  # enclosing elements, outermost first
    offset: int
    start: int
    end: int
    tag: str = ""  # the start tag being written (attribute contexts)
    attrs: dict[str, str] = field(default_factory=dict)  # its other attributes, before and after the cursor
    attr: str = ""  # the attribute whose value is being written
    quote: str = ""  # the value's opening quote, "" when none is typed yet
    tag_start: int = -1  # byte offset of the `<` of the start tag being written

    @property
    def parent(self) -> str:
        return self.stack[-1].tag if self.stack else ""

    def enclosing(self, tag: str) -> Open | None:
        return next((o for o in reversed(self.stack) if o.tag == tag), None)


def scan_start(model: SystemModel | None, offset: int) -> tuple[int, tuple[Open, ...]]:
    """Where the lexical scan starts and what is open there: inside `<system>`, at the start of the
    top-level element holding the cursor or the end of the last whole one before it."""
    if model is None:
        return 0, ()
    system = model.system
    system_base = model.base_of(system.anchor)
    body = system_base + system.tag_end
    if offset < body:
        return 0, ()
    starts, ends = _spans(model)
    n = bisect_left(starts, offset) - 1  # the last element starting before the cursor
    start = body
    if n >= 0:
        start = starts[n] if offset < ends[n] else max(body, ends[n])
    return start, (Open("system", system_base + system.start),)


def _spans(model: SystemModel) -> tuple[list[int], list[int]]:
    """Start and end offsets of the top-level elements, in document order (once per snapshot)."""
    return memo(model, "spans", _top_spans)


def _top_spans(model: SystemModel) -> tuple[list[int], list[int]]:
    tops: list[Item] = [*model.pds, *model.mrs, *model.channels, *model.spaces, *model.domains]
    spans = sorted((model.base_of(item.el.anchor) + item.el.start, model.base_of(item.el.anchor) + item.el.end)
                   for item in tops)
    return [s for s, _ in spans], [e for _, e in spans]


def locate(data: bytes, offset: int, model: SystemModel | None) -> Cursor:
    """The cursor's context at byte `offset` of `data` (the snapshot's text)."""
    start, opened = scan_start(model, offset)
    stack = list(opened)
    last = start
    for m in _TOKEN.finditer(data, start, offset):
        last = m.end()
        if m.group(1) is not None:
            closing = m.group(1).decode("utf-8", "replace")
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth].tag == closing:
                    del stack[depth:]
                    break
        elif m.group(2) is not None and not m.group(3).rstrip().endswith(b"/"):
            stack.append(Open(m.group(2).decode("utf-8", "replace"), m.start(), m.group(3)))
    tail = data[last:offset]
    lt = tail.rfind(b"<")
    opened_stack = tuple(stack)
    if b"<!--" in tail or b"<![CDATA[" in tail or b"<?" in tail:  # whole ones were tokens: this one is open
        return Cursor(Where.NOWHERE, opened_stack, offset, offset, offset)
    if lt < 0 or b">" in tail[lt:]:
        word = _WORD_BEFORE.search(tail)
        begin = offset - (len(word.group(0)) if word else 0)
        return Cursor(Where.CONTENT, opened_stack, offset, begin, offset)
    return _in_tag(data, offset, last + lt, opened_stack)


def _in_tag(data: bytes, offset: int, lt: int, stack: tuple[Open, ...]) -> Cursor:
    partial = data[lt:offset]
    nowhere = Cursor(Where.NOWHERE, stack, offset, offset, offset)
    if partial.startswith((b"<!", b"<?")):
        return nowhere
    prefix = _NAME_PREFIX.fullmatch(partial)
    if prefix is not None:
        where = Where.CLOSE if partial.startswith(b"</") else Where.TAG_NAME
        rest = _NAME_PREFIX.match(data, offset - len(prefix.group(1)), offset + LOOKAHEAD)
        end = rest.end() if rest is not None else offset
        return Cursor(where, stack, offset, offset - len(prefix.group(1)), end, tag_start=lt)
    tag = _OPEN_TAG.match(partial)
    if tag is None:
        return nowhere
    name = tag.group(1).decode("utf-8", "replace")
    body = partial[tag.end():]
    value = _ATTR_VALUE.fullmatch(body)
    if value is not None:
        value_start = offset - len(value.group(3))
        rest = _VALUE_REST.match(data, offset, offset + LOOKAHEAD)
        value_end = rest.end() if rest is not None else offset
        after = _after_value(data, value_end, value.group(2))
        attrs = {**attributes(body[:value.start(1)]), **attributes(data[after:_tag_end(data, after)])}
        return Cursor(Where.ATTR_VALUE, stack, offset, value_start, value_end, name, attrs,
                      value.group(1).decode("utf-8", "replace"), value.group(2).decode(), lt)
    attr_name = _ATTR_NAME.fullmatch(body)
    if attr_name is not None:
        rest = re.compile(_NAME + rb"*").match(data, offset, offset + LOOKAHEAD)
        end = rest.end() if rest is not None else offset
        attrs = {**attributes(body), **attributes(data[end:_tag_end(data, end)])}
        return Cursor(Where.ATTR_NAME, stack, offset, offset - len(attr_name.group(1)), end, name, attrs, tag_start=lt)
    return nowhere


def _after_value(data: bytes, value_end: int, quote: bytes) -> int:
    """Past the closing quote of the value being written, when it has one."""
    if quote and data[value_end:value_end + 1] == quote:
        return value_end + 1
    return value_end


def _tag_end(data: bytes, start: int) -> int:
    """Where the start tag being written ends: its `>` or the next `<`, within the lookahead."""
    stop = min(len(data), start + LOOKAHEAD)
    ends = [i for i in (data.find(b">", start, stop), data.find(b"<", start, stop)) if i >= 0]
    return min(ends) if ends else stop
