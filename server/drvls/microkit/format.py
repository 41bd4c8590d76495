"""The `.system` formatter: one indentation, one attribute layout, comments and blank-line groups kept.

Formatting must never change what the file means, so it only moves white space between markup:
attribute values, comments, processing instructions and any element holding text are copied
byte for byte, and a file that is not well-formed XML (or is a cpp template) is refused rather
than guessed at. A start tag that fits the line length stays on one line; a longer one puts each
attribute on its own line (a tab indent counts `indent` columns). A tag preceded by a
`drvls: ignore` comment is never split, so the comment keeps covering every attribute it silenced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from drvls.core.config import Settings
from drvls.core.formatting import Refused, indent_width, line_length, uses_tabs
from drvls.microkit import legacy, xmltree

# One attribute of a well-formed start tag (the file parsed without errors): name, `=`, quoted value.
TAG_NAME = re.compile(r"<([^\s/>]+)")
ATTRIBUTE = re.compile(r"""\s+([^\s=/>]+)\s*=\s*("[^"]*"|'[^']*')""")


@dataclass(frozen=True)
class FormatOptions:
    indent: int = 4
    line_length: int = 120
    tabs: bool = False

    def pad(self, depth: int) -> str:
        return "\t" * depth if self.tabs else " " * (self.indent * depth)

    def width(self, line: str, depth: int) -> int:
        """Columns a line takes, a tab indent counting `indent` columns a level."""
        return len(line) + (depth * (self.indent - 1) if self.tabs else 0)


def format_file(text: str, settings: Settings) -> str | Refused:
    return format_system(text, FormatOptions(indent_width(settings), line_length(settings), uses_tabs(settings)))


def format_system(text: str, options: FormatOptions = FormatOptions()) -> str | Refused:
    """The formatted text, or why it cannot be formatted safely."""
    if legacy.cpp_template(text):
        return Refused("the file is a C-preprocessor template, not XML, until cpp runs")
    data = text.encode("utf-8")
    tree = xmltree.parse(data)  # the element structure; attributes are read from the text of each tag
    if tree.root_node.has_error:
        return Refused("the file is not well-formed XML: fix the syntax errors first")
    return _Writer(data, options).document(tree.root_node)


class _Writer:
    def __init__(self, data: bytes, options: FormatOptions) -> None:
        self.data = data
        self.options = options
        self.lines: list[str] = []

    def src(self, node: Node) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", "surrogatepass")

    def document(self, root: Node) -> str:
        self.items(root.children, 0, top=True)
        while self.lines and not self.lines[-1].strip():
            self.lines.pop()
        return "\n".join(self.lines) + "\n"

    def items(self, nodes: list[Node], depth: int, top: bool = False) -> None:
        """Children of the document, the prolog or an element's content, with blank-line groups kept."""
        previous: Node | None = None
        pending_blank = False
        for node in nodes:
            kind = node.type
            if kind == "prolog":
                self.items(node.children, depth, top=True)
                previous = node
                continue
            if kind == "CharData":
                between = self.src(node)
                if between.count("\n") >= 2 and previous is not None:
                    pending_blank = True
                continue
            same_line = previous is not None and kind == "Comment" and "\n" not in \
                self.data[previous.end_byte:node.start_byte].decode("utf-8", "replace")
            if same_line and self.lines:
                self.lines[-1] += " " + self.src(node)
                previous = node
                continue
            if pending_blank and self.lines and self.lines[-1].strip():
                self.lines.append("")
            pending_blank = False
            if kind == "element":
                self.element(node, depth, silenced=self.silenced())
            else:  # XMLDecl, Comment, PI, doctypedecl: copied as written
                self.block(self.src(node), depth)
            previous = node
        del top

    def silenced(self) -> bool:
        return bool(self.lines) and "drvls:" in self.lines[-1] and "ignore" in self.lines[-1]

    def block(self, raw: str, depth: int) -> None:
        """Verbatim text whose first line is indented; later lines keep their own white space."""
        first, *rest = raw.split("\n")
        self.lines.append(self.options.pad(depth) + first)
        self.lines.extend(rest)

    def element(self, node: Node, depth: int, silenced: bool) -> None:
        content = node.child(1) if node.child_count == 3 else None  # STag content ETag | STag ETag | EmptyElemTag
        if content is not None and _has_text(content, self.data):
            self.block(self.src(node), depth)  # text is meaning: leave the element exactly as written
            return
        raw = self.src(node.children[0])
        name_match = TAG_NAME.match(raw)
        assert name_match is not None  # the tree has no errors
        name = name_match.group(1)
        attrs = [f'{key}="{value[1:-1]}"' if value[0] == "'" and '"' not in value else f"{key}={value}"
                 for key, value in ATTRIBUTE.findall(raw, name_match.end())]
        empty = content is None or all(c.type == "CharData" for c in content.children)
        self.start_tag(name, attrs, depth, "/>" if empty else ">", silenced)
        if empty:
            return
        assert content is not None
        self.items(content.children, depth + 1)
        self.lines.append(self.options.pad(depth) + f"</{name}>")

    def start_tag(self, name: str, attrs: list[str], depth: int, close: str, silenced: bool) -> None:
        pad = self.options.pad(depth)
        ending = " />" if close == "/>" else ">"
        one_line = pad + "<" + " ".join([name, *attrs]) + ending
        if self.options.width(one_line, depth) <= self.options.line_length or len(attrs) < 2 or silenced:
            self.lines.append(one_line)
            return
        inner = self.options.pad(depth + 1)
        self.lines.append(f"{pad}<{name}")
        self.lines.extend(inner + a for a in attrs[:-1])
        self.lines.append(inner + attrs[-1] + ending)


def _has_text(content: Node, data: bytes) -> bool:
    for child in content.children:
        if child.type == "CharData":
            if data[child.start_byte:child.end_byte].strip():
                return True
        elif child.type in ("CDSect", "CharRef", "EntityRef"):
            return True
    return False
