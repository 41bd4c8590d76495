"""Where a cursor stands in a `.camkes`/`.idl4` text: in which blocks, after which words of its statement.

The names come from the checked model; what the cursor is in comes from the words before it, read
with the lexical rules of camkes-tool's grammar (comments, strings, `#` lines skipped), because the
statement being typed is the one the parse could not make sense of. Reading never fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(r"//[^\n]*|/\*.*?(?:\*/|\Z)|\"[^\"]*(?:\"|\Z)|^[ \t]*#[^\n]*|<-|->|[A-Za-z_]\w*|\d\w*|\S",
                    re.S | re.M)
BLOCKS = ("component", "procedure", "connector", "struct", "assembly", "composition", "configuration", "group")


@dataclass(frozen=True)
class Block:
    """An open `{`: what kind of declaration it belongs to, and the declaration's name if written."""

    kind: str  # one of BLOCKS, "value" (a setting's dict or a nested body), or "block"
    name: str = ""


@dataclass(frozen=True)
class Instance:
    """`component TYPE NAME;` read in the composition text before the cursor."""

    type: str
    name: str


@dataclass(frozen=True)
class Cursor:
    blocks: tuple[Block, ...]  # outermost first
    words: tuple[str, ...]  # the statement's tokens before the cursor (comments dropped), not the prefix
    prefix: str  # the identifier being typed, up to the cursor
    start: int  # code-point offset where the identifier under the cursor starts
    end: int  # and where it ends
    instances: tuple[Instance, ...] = field(default_factory=tuple)  # declared in the enclosing top-level block
    in_comment: bool = False

    @property
    def block(self) -> str:
        return self.blocks[-1].kind if self.blocks else ""

    def top(self) -> Block | None:
        return self.blocks[0] if self.blocks else None


def _block_of(words: list[str]) -> Block:
    for n, word in enumerate(words):
        if word in BLOCKS:
            name = words[n + 1] if n + 1 < len(words) and words[n + 1][:1].isalpha() else ""
            return Block(word, name)
    return Block("value" if "=" in words or ":" in words else "block")


def _open(token: str) -> bool:
    """A comment or string that the cursor, right after `token`, is still inside."""
    if token.startswith("//"):
        return True
    if token.startswith("/*"):
        return len(token) < 4 or not token.endswith("*/")
    return token.startswith('"') and (len(token) == 1 or not token.endswith('"'))


def locate(text: str, offset: int) -> Cursor:
    """The context at code-point `offset` of `text`."""
    end = offset
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    start = offset
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    blocks: list[Block] = []
    words: list[str] = []
    instances: list[Instance] = []
    for m in _TOKEN.finditer(text, 0, start):
        token = m.group(0)
        first = token[:1]
        if token.startswith(("//", "/*", "#")) or first == '"':
            if m.end() >= start and _open(token):
                return Cursor(tuple(blocks), (), "", start, end, in_comment=True)
            if first == '"':
                words.append(token)
            continue
        if token == "{":
            blocks.append(_block_of(words))
            words = []
        elif token == "}":
            if blocks:
                blocks.pop()
            if not blocks:
                instances = []
            words = []
        elif token == ";":
            if len(words) == 3 and words[0] == "component" and blocks and blocks[-1].kind in ("composition", "group"):
                instances.append(Instance(words[1], words[2]))
            words = []
        else:
            words.append(token)
    return Cursor(tuple(blocks), tuple(words), text[start:offset], start, end, tuple(instances))
