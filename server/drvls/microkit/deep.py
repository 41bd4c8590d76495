"""The front end for deeply nested files: expat instead of tree-sitter, linear in nesting depth.

tree-sitter-xml keeps its stack of open tags in the scanner state, serialised at every token:
parsing costs depth × tokens, and past about a thousand levels that state no longer fits and
valid XML is reported as broken. No real system description nests more than a few levels, so a
file whose depth passes `DEEP` is read by expat (C, one pass, no recursion), which gives the
top-level element spans the checks need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import accumulate, repeat

DEEP = 256  # nesting depth from which tree-sitter is not used
_TOKENS = re.compile(rb"</|<[A-Za-z_:]|/>")
_WEIGHT = {b"</": -1, b"/>": -1}


def max_depth(data: bytes) -> int:
    """An upper estimate of the element nesting depth (markup inside comments and values counts too)."""
    tokens = _TOKENS.findall(data)
    if not tokens:
        return 0
    return max(accumulate(map(_WEIGHT.get, tokens, repeat(1))))


@dataclass
class Parsed:
    """What expat found: the first error, the root element, and the spans directly inside it."""

    error: tuple[int, str] | None = None  # byte offset and expat's message
    root: tuple[str, int, int] | None = None  # name, start-tag span
    root_end: int = 0
    children: list[tuple[int, int]] = field(default_factory=list)
    texts: list[tuple[int, int]] = field(default_factory=list)  # non-blank text directly inside the root
    doctype: tuple[int, int] | None = None  # a DOCTYPE that declares entities


def parse(data: bytes) -> Parsed:
    import xml.parsers.expat  # only deeply nested files need it: not paid at every start-up

    out = Parsed()
    parser = xml.parsers.expat.ParserCreate()
    depth = 0
    child_start = 0
    last_start = -1
    doctype_start = -1
    entities = False

    def start(name: str, _attrs: dict[str, str]) -> None:
        nonlocal depth, child_start, last_start
        index = parser.CurrentByteIndex
        if depth == 0:
            tag = _tag_end(data, index)
            out.root = (name.rsplit(":", 1)[-1], index, tag)
        elif depth == 1:
            child_start = index
        last_start = index
        depth += 1

    def end(_name: str) -> None:
        nonlocal depth, last_start
        index = parser.CurrentByteIndex
        empty = last_start >= 0 and data[index - 2:index] == b"/>" and _tag_end(data, last_start) == index
        finish = index if empty else data.find(b">", index) + 1
        last_start = -1
        depth -= 1
        if depth == 1:
            out.children.append((child_start, finish))
        elif depth == 0:
            out.root_end = finish

    def text(content: str) -> None:
        if depth == 1 and content.strip():
            index = parser.CurrentByteIndex
            out.texts.append((index, index + len(content.encode("utf-8"))))

    def doctype_open(*_args: object) -> None:
        nonlocal doctype_start
        doctype_start = parser.CurrentByteIndex

    def entity(*_args: object) -> None:
        nonlocal entities
        entities = True

    def doctype_close() -> None:
        if entities and doctype_start >= 0:
            out.doctype = (doctype_start, data.find(b">", parser.CurrentByteIndex) + 1)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype_open
    parser.EntityDeclHandler = entity
    parser.EndDoctypeDeclHandler = doctype_close
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        out.error = (max(0, parser.ErrorByteIndex), xml.parsers.expat.ErrorString(exc.code) or "not well formed")
    return out


def _tag_end(data: bytes, start: int) -> int:
    """The end of the tag starting at `start` (quoted values may hold `>`)."""
    quote = 0
    for i in range(start, len(data)):
        byte = data[i]
        if quote:
            if byte == quote:
                quote = 0
        elif byte in (0x22, 0x27):
            quote = byte
        elif byte == 0x3E:
            return i + 1
    return len(data)


def well_formed(chunk: bytes) -> bool:
    """Whether `chunk` on its own is one well-formed element."""
    parsed = parse(chunk)
    return parsed.error is None and parsed.root is not None
