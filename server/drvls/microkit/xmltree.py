"""tree-sitter-xml parsing, incremental re-parsing, and a light element view with byte offsets.

Elements are converted lazily per top-level subtree; offsets inside an element are relative to
an `Anchor` (the top-level element's start) so a converted subtree can be reused unchanged when
text above it moves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import tree_sitter_xml
from tree_sitter import Language, Node, Parser, Point, Tree

from drvls.core.languages import Edit
from drvls.core.parsing import parse_yielding

_LANGUAGE = Language(tree_sitter_xml.language_xml())
_PARSER: Parser | None = None

# One attribute in a start tag that tree-sitter has already accepted as well formed.
_TAG_NAME = re.compile(rb"<\s*([^\s/>]+)")
_TAG_NAME_S = re.compile(r"<\s*([^\s/>]+)")
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*);")
_PREDEFINED = {"lt": "<", "gt": ">", "amp": "&", "apos": "'", "quot": '"'}


def parser() -> Parser:
    global _PARSER
    if _PARSER is None:
        _PARSER = Parser(_LANGUAGE)
    return _PARSER


# A start tag's attribute list that is certainly well formed: ASCII names, `=`, quoted printable
# ASCII values without `<` or `&`, each attribute preceded by XML whitespace, the whole list up
# to the tag's end (so nothing after it can depend on what was blanked).
_NAME_B = rb"[A-Za-z_:][A-Za-z0-9_.:-]*"
_SIMPLE_ATTRS = re.compile(rb"<" + _NAME_B + rb"((?:[ \t\r\n]+" + _NAME_B + rb"[ \t\r\n]*=[ \t\r\n]*"
                           rb"(?:\"[ !#-%'-;=-~\t\r\n]*\"|'[ -%(-;=-~\t\r\n]*'))+)(?=[ \t\r\n]*/?>)")
_BLANK = bytes(b if b in b"\r\n" else 0x20 for b in range(256))


def _blank_attributes(match: re.Match[bytes]) -> bytes:
    whole = match.group(0)
    cut = match.start(1) - match.start(0)
    return whole[:cut] + whole[cut:].translate(_BLANK)


def blank_simple_attributes(data: bytes) -> bytes:
    """`data` with well-formed attribute lists turned into spaces (newlines kept), same length.

    tree-sitter-xml spends microseconds on every attribute, most of a large file's parse time, but
    only the element structure and the syntax errors are taken from the tree (attributes are read
    from the text). Blanking lists that cannot hold an error changes neither, and byte offsets and
    rows stay the same.
    """
    return _SIMPLE_ATTRS.sub(_blank_attributes, data)


def parse(data: bytes, old: Tree | None = None, edits: Sequence[Edit] = ()) -> Tree:
    """Parse `data`, reusing `old` after applying `edits` to it (tree-sitter incremental parsing)."""
    return parse_tracked(data, old, edits)[0]


def parse_tracked(data: bytes, old: Tree | None = None, edits: Sequence[Edit] = (),
                  old_blanked: bool = False) -> tuple[Tree, bool]:
    """The tree, and whether it was (partly) parsed from blanked text (see `blank_simple_attributes`).

    A full parse reads a copy with simple attribute lists blanked; if that copy has a syntax error
    the real text is parsed, so error nodes are exactly tree-sitter's. An incremental parse reads the
    real text (only the edited region is lexed again); when it finds an error and the old tree came
    from blanked text, the real text is parsed from scratch, so a broken file always gives the same
    errors however it was reached.
    """
    if old is not None and edits:
        old = old.copy()  # the previous snapshot keeps its own tree unchanged
        for e in edits:
            old.edit(start_byte=e.start_byte, old_end_byte=e.old_end_byte, new_end_byte=e.new_end_byte,
                     start_point=Point(*e.start_point), old_end_point=Point(*e.old_end_point),
                     new_end_point=Point(*e.new_end_point))
        tree = parse_yielding(parser(), data, old)
        if not (old_blanked and tree.root_node.has_error):
            return tree, old_blanked
        return parse_yielding(parser(), data), False
    tree = parse_yielding(parser(), blank_simple_attributes(data))
    if tree.root_node.has_error:
        return parse_yielding(parser(), data), False
    return tree, True


class Anchor:
    """What a cached subtree's relative offsets are counted from: an identity, never moved.

    `base` is the subtree's start in the text it was converted from. A later snapshot that reuses
    the subtree at another place says where it now starts (`Layout.base_of`); the anchor itself is
    never changed, so earlier snapshots keep their offsets.
    """

    __slots__ = ("_base",)

    def __init__(self, base: int) -> None:
        self._base = base

    @property
    def base(self) -> int:
        return self._base


@dataclass(frozen=True)
class AttrSpan:
    """Where one attribute is written (offsets relative to the element's anchor)."""

    name: str
    name_start: int
    value_start: int  # inside the quotes
    value_end: int


class El:
    """An element: tag, attribute values, children, with offsets relative to `anchor.base`.

    Attribute offsets are found again only when a diagnostic needs them, which keeps the
    conversion of a 10,000-line file cheap.
    """

    __slots__ = ("_by_name", "anchor", "attrs", "children", "end", "flags", "start", "tag", "tag_end", "tag_src",
                 "text")

    def __init__(self, tag: str, start: int, end: int, tag_end: int, anchor: Anchor, tag_src: str = "") -> None:
        self.tag = tag
        self.start = start
        self.end = end
        self.tag_end = tag_end
        self.anchor = anchor
        self.tag_src = tag_src  # the start tag's text, for locating attributes on demand
        self.attrs: dict[str, str] = {}
        self.children: list[El] = []
        self.text: list[tuple[int, int]] = []
        self.flags = 0  # DUPLICATES | BAD_ENTITY
        self._by_name: dict[str, AttrSpan] | None = None  # first span of each name, built on first lookup

    def get(self, name: str) -> str | None:
        return self.attrs.get(name)

    def spans(self) -> list[AttrSpan]:
        """Every attribute as written, duplicates included, in order."""
        src = self.tag_src
        ascii_src = src.isascii()
        out = []
        for match in _ATTR_S.finditer(src):
            offsets = [match.start(1), match.start(2) + 1, match.end(2) - 1]
            if not ascii_src:
                offsets = [len(src[:o].encode("utf-8", "surrogateescape")) for o in offsets]
            raw = match.group(1)
            out.append(AttrSpan(raw if ":" not in raw else local(raw), *(self.start + o for o in offsets)))
        return out

    def attr_span(self, name: str) -> AttrSpan | None:
        if name not in self.attrs:
            return None
        if self._by_name is None:  # one pass for all lookups: an element may carry thousands of attributes
            by_name: dict[str, AttrSpan] = {}
            for span in self.spans():
                by_name.setdefault(span.name, span)
            self._by_name = by_name
        return self._by_name.get(name)

    def attr_removal(self, name: str) -> tuple[int, int] | None:
        """Relative bytes covering the attribute and the whitespace before it (to delete it cleanly)."""
        found = self.attr_span(name)
        if found is None:
            return None
        src = self.tag_src.encode("utf-8", "surrogateescape")
        start = found.name_start - self.start
        while start > 0 and src[start - 1:start].isspace():
            start -= 1
        return self.start + start, found.value_end + 1

    def span(self, name: str | None = None) -> tuple[int, int]:
        """Absolute byte span of an attribute value, else of the start tag."""
        base = self.anchor.base
        found = self.attr_span(name) if name else None
        if found is not None:
            return base + found.value_start, base + found.value_end
        return base + self.start, base + self.tag_end


DUPLICATES = 1
BAD_ENTITY = 2


def local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def decode_value(raw: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Attribute text with XML entity/character references expanded; unknown ones listed."""
    if "&" not in raw:
        return raw, []
    bad: list[tuple[int, int, str]] = []

    def repl(match: re.Match[str]) -> str:
        ref = match.group(1)
        if ref.startswith("#x"):
            code = int(ref[2:], 16)
        elif ref.startswith("#"):
            code = int(ref[1:])
        elif ref in _PREDEFINED:
            return _PREDEFINED[ref]
        else:
            bad.append((match.start(), match.end(), ref))
            return match.group(0)
        if code > 0x10FFFF or code == 0 or 0xD800 <= code <= 0xDFFF:
            bad.append((match.start(), match.end(), ref))
            return match.group(0)
        return chr(code)

    return _ENTITY.sub(repl, raw), bad


# Markup inside a subtree tree-sitter accepted as well formed: tags, comments, CDATA, PIs.
_MARKUP_S = re.compile(r"<(/?)([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(/?)>"
                       r"|<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>", re.S)
_ATTR_S = re.compile(r"([^\s=/>]+)\s*=\s*(\"[^\"]*\"|'[^']*')")


def convert(node: Node, data: bytes, anchor: Anchor) -> El:
    """An `element` node and its subtree as `El`s relative to `anchor`.

    The subtree has no syntax errors (tree-sitter said so), so one regular-expression scan over
    its text builds the same structure far faster than visiting every tree-sitter node.
    """
    chunk = data[node.start_byte:node.end_byte]
    return convert_chunk(chunk, node.start_byte - anchor.base, anchor)


def convert_chunk(chunk_bytes: bytes, rel: int, anchor: Anchor) -> El:
    """A well-formed element's text as `El`s; `rel` is where it starts relative to `anchor`."""
    chunk = chunk_bytes.decode("utf-8", "surrogateescape")
    ascii_chunk = chunk.isascii()
    root: El | None = None
    stack: list[El] = []
    for match in _MARKUP_S.finditer(chunk):
        closing, name, attrs_text, empty = match.groups()  # one call, not one per group: per element of the file
        if name is None:
            continue
        m_start, m_end = match.span()
        if not ascii_chunk:
            m_start, m_end = (len(chunk[:m_start].encode("utf-8", "surrogateescape")),
                              len(chunk[:m_end].encode("utf-8", "surrogateescape")))
        if closing:
            stack.pop().end = rel + m_end
            continue
        el = El(name if ":" not in name else local(name), rel + m_start, rel + m_end, rel + m_end, anchor,
                match.group(0))
        if attrs_text:
            _read_attrs(el, attrs_text)
        if stack:
            stack[-1].children.append(el)
        else:
            root = el
        if not empty:
            stack.append(el)
    if root is None:  # cannot happen for a well-formed element; keep the contract anyway
        root = El("", rel, rel + len(chunk_bytes), rel, anchor)
    return root


def _read_attrs(el: El, text: str) -> None:
    attrs = el.attrs
    for raw_name, quoted in _ATTR_S.findall(text):
        name = raw_name if ":" not in raw_name else local(raw_name)
        value = quoted[1:-1]
        if "&" in value:
            value, bad = decode_value(value)
            if bad:
                el.flags |= BAD_ENTITY
        if name in attrs:
            el.flags |= DUPLICATES
            continue
        attrs[name] = value


def bad_entities(el: El) -> list[tuple[int, int, str]]:
    """Unknown entity references in attribute values: (start, end, name), relative offsets."""
    out = []
    for span in el.spans():
        raw = el.tag_src[_char_index(el, span.value_start):_char_index(el, span.value_end)]
        _, bad = decode_value(raw)
        prefix_ascii = raw.isascii()
        for s, e, ref in bad:
            if not prefix_ascii:
                s, e = len(raw[:s].encode("utf-8", "surrogateescape")), len(raw[:e].encode("utf-8", "surrogateescape"))
            out.append((span.value_start + s, span.value_start + e, ref))
    return out


def _char_index(el: El, rel_byte: int) -> int:
    offset = rel_byte - el.start
    if el.tag_src.isascii():
        return offset
    return len(el.tag_src.encode("utf-8", "surrogateescape")[:offset].decode("utf-8", "surrogateescape"))


def convert_tag_only(node: Node, data: bytes) -> El:
    """The element's own tag and attributes (offsets relative to the file start), without children."""
    tag_node = node.children[0]
    el = convert_start_tag(tag_node.start_byte, tag_node.end_byte, data)
    el.start, el.end = node.start_byte, node.end_byte
    return el


def convert_start_tag(start: int, end: int, data: bytes) -> El:
    """An element from its start tag alone (offsets relative to the file start), e.g. an unclosed `<system>`."""
    src = data[start:end].decode("utf-8", "surrogateescape")
    match = _TAG_NAME_S.match(src)
    name = match.group(1) if match else ""
    el = El(local(name), start, end, end, Anchor(0), src)
    _read_attrs(el, src[match.end():] if match else src)
    return el


def tag_name_of(chunk: bytes) -> str:
    match = _TAG_NAME.match(chunk)
    return local(match.group(1).decode("utf-8", "replace")) if match else ""


# Elements that can only be children of <system> (a child `<protection_domain>` aside).
TOP_LEVEL_TAGS = frozenset({"protection_domain", "memory_region", "channel", "domains", "io_address_space"})
_ONLY_TOP = frozenset({b"memory_region", b"channel", b"domains", b"io_address_space"})
# Markup for recovery: a tag whose quoted values never contain `<` (so a dropped quote loses one tag,
# not the rest of the file), comments, CDATA and processing instructions (skipped).
_RECOVER = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>"
                      rb"|<(/?)([A-Za-z_][\w.:-]*)((?:[^<>\"'/]|\"[^\"<]*\"|'[^'<]*')*)(/?)>", re.S)


def recover_segments(data: bytes) -> tuple[tuple[int, int] | None, list[tuple[int, int]]]:
    """In a file with syntax errors: the `<system>` start tag and the spans of the elements directly in it.

    A tolerant scan keeps a stack of open elements: an end tag closes up to its match (an unmatched
    one is ignored), and a start tag of an element that only `<system>` holds — or a
    `<protection_domain>` indented no deeper than the open one — closes an element left open. The
    spans are candidates: each is parsed on its own and used only if it is well formed. Linear in
    the file's size and in nesting depth.
    """
    system: tuple[int, int] | None = None
    segments: list[tuple[int, int]] = []
    stack: list[tuple[bytes, int, int]] = []  # (name, indentation, start) of open elements below <system>
    for match in _RECOVER.finditer(data):
        raw = match.group(2)
        if raw is None:
            continue
        name = raw.rsplit(b":", 1)[-1]
        start, end = match.span()
        if system is None:
            if name == b"system" and not match.group(1):
                system = (start, end)
                if match.group(4):
                    break
            continue
        if match.group(1):
            for i in range(len(stack) - 1, -1, -1):
                if stack[i][0] == name:
                    if i == 0:
                        segments.append((stack[0][2], end))
                    del stack[i:]
                    break
            else:
                if name == b"system":
                    break
            continue
        if stack and (name in _ONLY_TOP or (name == b"protection_domain" and _column(data, start) <= stack[0][1])):
            stack.clear()
        if match.group(4):
            if not stack:
                segments.append((start, end))
        else:
            stack.append((name, _column(data, start) if not stack else 0, start))
    return system, segments


def _column(data: bytes, offset: int) -> int:
    return offset - (data.rfind(b"\n", 0, offset) + 1)


def well_formed_element(chunk: bytes) -> bool:
    """Whether `chunk` on its own is one well-formed element."""
    root = parser().parse(chunk).root_node
    return not root.has_error and root.child_by_field_name("root") is not None


def content_children(node: Node) -> Iterator[Node]:
    """Direct children of an element's `content` node."""
    children = node.children
    if len(children) > 1 and children[1].type == "content":
        yield from children[1].children


def tag_name(node: Node, data: bytes) -> str:
    tag_node = node.children[0]
    match = _TAG_NAME.match(data[tag_node.start_byte:tag_node.end_byte])
    return local(match.group(1).decode("utf-8", "replace")) if match else ""


def syntax_errors(tree: Tree, limit: int = 20) -> list[tuple[int, int, str]]:
    """(start, end, description) of ERROR and MISSING nodes, outermost first, in document order."""
    found: list[tuple[int, int, str]] = []
    stack = [tree.root_node]
    while stack and len(found) < limit:
        node = stack.pop()
        if node.is_missing:
            found.append((node.start_byte, node.end_byte, f"missing {_describe_missing(node.type)}"))
            continue
        if node.type == "ERROR":
            found.append((node.start_byte, node.end_byte, "unexpected"))
            continue
        if node.has_error:
            children = node.children
            if any(c.has_error or c.is_missing for c in children):
                stack.extend(reversed(children))
            else:  # the error is in a hidden node (e.g. missing whitespace): report the construct
                found.append((node.start_byte, node.end_byte, f"malformed {_describe_node(node.type)}"))
    if not found and tree.root_node.has_error:
        found.append((0, 0, "the document is not well formed"))
    return found


def _describe_node(kind: str) -> str:
    return {"doctypedecl": "<!DOCTYPE …> declaration", "STag": "start tag", "ETag": "end tag",
            "EmptyElemTag": "tag", "Attribute": "attribute", "XMLDecl": "<?xml …?> declaration",
            "Comment": "comment"}.get(kind, kind)


def _describe_missing(kind: str) -> str:
    return {"_S": "whitespace", '"': "closing quote", ">": "'>'", "/>": "'/>'"}.get(kind, f"'{kind}'")
