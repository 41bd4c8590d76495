"""A small Markdown block splitter: sections, paragraphs, list items, code fences, front matter.

It only finds the structure the rule mapping needs, and it remembers 1-based source lines and
code-point columns for every block, so rules and diagnostics point at the exact text. Unlike
upstream it respects code fences (`#include` inside a fence is not a heading), keeps the text
before the first heading, and never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+$")
FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
BULLET = re.compile(r"^([ \t]*)([-*+•]|\d{1,9}[.)])(?:([ \t]+)(.*?)|)[ \t]*$")

BlockKind = Literal["paragraph", "item", "code", "frontmatter"]


@dataclass(frozen=True)
class Segment:
    """One line's share of a block's text: 1-based line, 0-based start column, the text."""

    line: int
    column: int
    text: str


@dataclass
class Block:
    kind: BlockKind
    start: int  # 1-based first line
    end: int  # 1-based last line (inclusive)
    segments: list[Segment]
    indent: int = 0  # list items: columns before the marker
    closed: bool = True  # code fences: whether a closing fence was found

    @property
    def text(self) -> str:
        return "\n".join(s.text for s in self.segments)


@dataclass
class Section:
    """A heading and what follows it up to the next heading of the same or a higher level."""

    level: int  # 0 for the text before the first heading
    title: str
    line: int  # 1-based heading line; 0 for the preamble
    title_column: int = 0
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    def own_end(self) -> int:
        """The last line that belongs to this section itself (not to a subsection)."""
        last = self.line
        for block in self.blocks:
            last = max(last, block.end)
        return last


@dataclass
class Document:
    lines: list[str]  # without line terminators; index 0 is line 1
    root: Section

    def verbatim(self, start: int, end: int) -> str:
        """Lines start..end (1-based, inclusive) exactly as written."""
        return "\n".join(self.lines[start - 1:end])


def split_lines(text: str) -> list[str]:
    """Split on LF only (a CR before it is dropped), so other Unicode breaks stay inside a line."""
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


def parse_heading(line: str) -> tuple[int, str, int] | None:
    """(level, title, title column) for an ATX heading line, else None."""
    match = HEADING.match(line)
    if not match:
        return None
    raw = match.group(2) or ""
    title = CLOSING_HASHES.sub("", raw).strip() if raw else ""
    column = match.start(2) if match.group(2) is not None else len(line)
    return len(match.group(1)), title, column


def parse_item(line: str) -> tuple[int, str, int] | None:
    """(indent, text, text column) for a list item line, else None."""
    match = BULLET.match(line)
    if not match:
        return None
    text = match.group(4) or ""
    column = match.start(4) if match.group(4) is not None else len(line.rstrip())
    return len(match.group(1).expandtabs(4)), text, column


def is_blank(line: str) -> bool:
    return not line.strip()


def starts_block(line: str) -> bool:
    return parse_heading(line) is not None or parse_item(line) is not None or FENCE.match(line) is not None


def parse_markdown(text: str) -> Document:
    """Split text into a section tree; every non-blank line ends up in exactly one heading or block."""
    lines = split_lines(text)
    root = Section(level=0, title="", line=0)
    stack = [root]
    i = front_matter(lines, root)
    while i < len(lines):
        line = lines[i]
        if is_blank(line):
            i += 1
            continue
        fence = FENCE.match(line)
        if fence and not (fence.group(2)[0] == "`" and "`" in fence.group(3)):
            i = code_block(lines, i, fence, stack[-1])
            continue
        heading = parse_heading(line)
        if heading is not None:
            level, title, column = heading
            while stack[-1].level >= level:
                stack.pop()
            section = Section(level=level, title=title, line=i + 1, title_column=column)
            stack[-1].children.append(section)
            stack.append(section)
            i += 1
            continue
        item = parse_item(line)
        if item is not None:
            i = list_item(lines, i, item, stack[-1])
            continue
        i = paragraph(lines, i, stack[-1])
    return Document(lines=lines, root=root)


def front_matter(lines: list[str], root: Section) -> int:
    """A YAML front-matter block (`---` … `---`) at the very top becomes one block."""
    if not lines or lines[0].rstrip() != "---":
        return 0
    for j in range(1, len(lines)):
        if lines[j].rstrip() in ("---", "..."):
            segments = [Segment(n + 1, 0, lines[n]) for n in range(j + 1)]
            root.blocks.append(Block("frontmatter", 1, j + 1, segments))
            return j + 1
    return 0


def code_block(lines: list[str], i: int, fence: re.Match[str], section: Section) -> int:
    marker = fence.group(2)
    closing = re.compile(r"^ {0,3}" + re.escape(marker[0]) + "{" + str(len(marker)) + r",}[ \t]*$")
    j = i + 1
    while j < len(lines) and not closing.match(lines[j]):
        j += 1
    closed = j < len(lines)
    end = j if closed else len(lines) - 1
    while not closed and end > i and is_blank(lines[end]):
        end -= 1
    segments = [Segment(n + 1, 0, lines[n]) for n in range(i, end + 1)]
    section.blocks.append(Block("code", i + 1, end + 1, segments, closed=closed))
    return end + 1 if closed else len(lines)


def list_item(lines: list[str], i: int, item: tuple[int, str, int], section: Section) -> int:
    """A list item plus its indented continuation lines (nested items are items of their own)."""
    indent, text, column = item
    segments = [Segment(i + 1, column, text)]
    j = i + 1
    while j < len(lines):
        nxt = lines[j]
        if is_blank(nxt) or starts_block(nxt):
            break
        stripped = nxt.lstrip(" \t")
        lead = len(nxt) - len(stripped)
        if lead <= indent:
            break
        segments.append(Segment(j + 1, lead, stripped.rstrip()))
        j += 1
    section.blocks.append(Block("item", i + 1, j, segments, indent=indent))
    return j


def paragraph(lines: list[str], i: int, section: Section) -> int:
    segments = []
    j = i
    while j < len(lines) and not is_blank(lines[j]) and (j == i or not starts_block(lines[j])):
        stripped = lines[j].lstrip(" \t")
        segments.append(Segment(j + 1, len(lines[j]) - len(stripped), stripped.rstrip()))
        j += 1
    section.blocks.append(Block("paragraph", i + 1, j, segments))
    return j
