"""Tokens of CAmkES ADL/IDL (camkes-tool's `camkes.g` lexical rules), each located in its source."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from drvls.camkes.model import Loc

KEYWORDS = frozenset({
    "assembly", "attribute", "Buf", "char", "component", "composition", "configuration", "connection",
    "connector", "consumes", "control", "dataport", "Dataport", "Dataports", "emits", "Event", "Events",
    "export", "False", "false", "from", "group", "hardware", "has", "import", "in", "include", "inout",
    "int", "integer", "int64_t", "maybe", "mutex", "out", "procedure", "Procedure", "Procedures",
    "provides", "refin", "semaphore", "schedule", "binary_semaphore", "signed", "struct", "string", "ticks",
    "thread", "threads", "True", "true", "to", "uint64_t", "unsigned", "us", "uses", "void", "with"
})

ID, KW, NUM, STR, ANGLE, OP, EOF = "identifier", "keyword", "number", "string", "angle", "op", "end of file"

OPERATORS = ("<-", "->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "**")
SINGLE = set("{}()[];,.=:?+-*/%<>&|^!~")

_SKIP = re.compile(r"(?:[ \t\f\r\n]+|//[^\n]*|/\*.*?\*/|#[^\n]*)+", re.S)
_IDENT = re.compile(r"[A-Za-z_]\w*")
_NUMBER = re.compile(r"0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?")
_STRING = re.compile(r'"[^"]*"')
_ANGLE = re.compile(r"<[^<>;,\"{}]*>")


# (output line, output column, token text) → where it was written
Locator = Callable[[int, int, str], Loc]


class Token:
    """A token; its source location is computed on first use (most punctuation never needs one)."""

    __slots__ = ("_loc", "_locate", "column", "kind", "line", "text")

    def __init__(self, kind: str, text: str, line: int, column: int, locate: Locator | Loc) -> None:
        self.kind = kind
        self.text = text
        self.line = line
        self.column = column
        if isinstance(locate, Loc):
            self._loc: Loc | None = locate
        else:
            self._loc = None
            self._locate = locate

    @property
    def loc(self) -> Loc:
        if self._loc is None:
            self._loc = self._locate(self.line, self.column, self.text)
        return self._loc

    def is_(self, text: str) -> bool:
        return self.text == text and self.kind in (KW, OP)

    def __repr__(self) -> str:
        return f"Token({self.kind}, {self.text!r}, {self.line}:{self.column})"


@dataclass
class LexError:
    message: str
    loc: Loc


def tokenize(text: str, locate: Locator, eager: bool = False) -> tuple[list[Token], list[LexError]]:
    """All tokens then an EOF token; characters that start no token become errors and are skipped.

    `eager` locates every token as it is made, for locators that must see tokens in order.
    """
    tokens: list[Token] = []
    errors: list[LexError] = []
    line_starts = [0]
    for m in re.finditer("\n", text):
        line_starts.append(m.end())
    line = 0
    pos = 0
    n = len(text)

    def where(offset: int, token_text: str) -> Loc:
        nonlocal line
        while line + 1 < len(line_starts) and line_starts[line + 1] <= offset:
            line += 1
        return locate(line, offset - line_starts[line], token_text)

    def make(kind: str, offset: int, value: str) -> Token:
        nonlocal line
        while line + 1 < len(line_starts) and line_starts[line + 1] <= offset:
            line += 1
        column = offset - line_starts[line]
        return Token(kind, value, line, column, locate(line, column, value) if eager else locate)

    while True:
        skip = _SKIP.match(text, pos)
        if skip:
            pos = skip.end()
        if pos >= n:
            break
        if text.startswith("/*", pos):
            errors.append(LexError("unterminated comment", where(pos, "/*")))
            break
        ch = text[pos]
        match = None
        kind = OP
        if ch.isalpha() or ch == "_":
            match = _IDENT.match(text, pos)
            kind = KW if match and match.group() in KEYWORDS else ID
        elif ch.isdigit():
            match = _NUMBER.match(text, pos)
            kind = NUM
        elif ch == '"':
            match = _STRING.match(text, pos)
            kind = STR
            if match is None:
                errors.append(LexError("unterminated string", where(pos, '"')))
                break
        elif ch == "<" and tokens and tokens[-1].kind == KW and tokens[-1].text in ("import", "include"):
            match = _ANGLE.match(text, pos)
            kind = ANGLE
        if match is None:
            for op in OPERATORS:
                if text.startswith(op, pos):
                    value = op
                    break
            else:
                value = ch if ch in SINGLE else ""
            if not value:
                errors.append(LexError(f"unexpected character {ch!r}", where(pos, ch)))
                pos += 1
                continue
            tokens.append(make(OP, pos, value))
            pos += len(value)
            continue
        value = match.group()
        tokens.append(make(kind, pos, value))
        pos = match.end()
    end = where(n, "")
    tokens.append(Token(EOF, "", line, 0, Loc(end.path, type(end.range)(end.range.end, end.range.end))))
    return tokens, errors
