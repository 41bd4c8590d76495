"""The CAmkES/IDL4 formatter: indentation by brace depth, no trailing white space, one blank line at most.

Only white space at the start and end of lines changes, so the formatted file has the same tokens,
the same preprocessor lines and comments, and the same meaning. Lines inside a block comment or
continuing a preprocessor directive keep their own indentation; preprocessor lines start at
column 0, as cpp's users write them. A file with syntax errors (by the grammar, when it is built),
or whose braces do not balance, is refused: re-indenting a broken file guesses at its structure.
"""

from __future__ import annotations

from dataclasses import dataclass

from drvls.camkes import grammar
from drvls.core.config import Settings
from drvls.core.formatting import Refused, indent_width, uses_tabs


@dataclass(frozen=True)
class CamkesFormatOptions:
    indent: int = 4
    tabs: bool = False

    def pad(self, depth: int) -> str:
        return "\t" * depth if self.tabs else " " * (self.indent * depth)


@dataclass
class _Scan:
    depth: int = 0
    in_block_comment: bool = False
    continued_directive: bool = False


def format_file(text: str, settings: Settings) -> str | Refused:
    return format_camkes(text, CamkesFormatOptions(indent_width(settings), uses_tabs(settings)))


def format_camkes(text: str, options: CamkesFormatOptions = CamkesFormatOptions()) -> str | Refused:
    tree = grammar.parse(text.encode("utf-8", "surrogatepass"))
    if tree is not None and tree.root_node.has_error:
        return Refused("the file has syntax errors: fix them first")
    scan = _Scan()
    out: list[str] = []
    blank = False
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        verbatim = scan.in_block_comment or scan.continued_directive
        stripped = line.strip()
        if verbatim:
            out.append(line)
            _advance(stripped if not scan.continued_directive else "", scan, line)
            scan.continued_directive = scan.continued_directive and line.endswith("\\")
            blank = False
            continue
        if not stripped:
            blank = bool(out)
            continue
        if blank:
            out.append("")
            blank = False
        if stripped.startswith("#"):
            out.append(stripped)
            scan.continued_directive = stripped.endswith("\\")
            continue
        stripped = _respace(stripped)
        closing = _leading_closers(stripped)
        depth = max(scan.depth - closing, 0)
        out.append(options.pad(depth) + stripped)
        _advance(stripped, scan, stripped)
        if scan.depth < 0:
            return Refused("a `}` closes a block that was never opened: fix the braces first")
    if scan.depth != 0:
        return Refused("the braces do not balance (a `{` is never closed): fix them first")
    if scan.in_block_comment:
        return Refused("a block comment is never closed")
    return "\n".join(out).rstrip("\n") + "\n"


def _respace(line: str) -> str:
    """Runs of spaces and tabs between tokens become one space; strings and comments stay as written."""
    out: list[str] = []
    i, n = 0, len(line)
    while i < n:
        char = line[i]
        if line.startswith(("//", "/*"), i):
            out.append(line[i:])
            break
        if char in "\"'":
            end = i + 1
            while end < n and line[end] != char:
                end += 2 if line[end] == "\\" else 1
            out.append(line[i:end + 1])
            i = end + 1
            continue
        if char in " \t":
            while i < n and line[i] in " \t":
                i += 1
            out.append(" ")
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _leading_closers(line: str) -> int:
    count = 0
    for char in line:
        if char == "}":
            count += 1
        elif char not in " \t;":
            break
    return count


def _advance(code: str, scan: _Scan, line: str) -> None:
    """Follow braces through one line, skipping strings, character literals and comments."""
    i, n = 0, len(line)
    quote = ""
    while i < n:
        char = line[i]
        if scan.in_block_comment:
            if line.startswith("*/", i):
                scan.in_block_comment = False
                i += 2
                continue
            i += 1
            continue
        if quote:
            if char == "\\":
                i += 2
                continue
            if char == quote:
                quote = ""
            i += 1
            continue
        if line.startswith("//", i):
            return
        if line.startswith("/*", i):
            scan.in_block_comment = True
            i += 2
            continue
        if char in "\"'":
            quote = char
        elif code and char == "{":
            scan.depth += 1
        elif code and char == "}":
            scan.depth -= 1
        i += 1
