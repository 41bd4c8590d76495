"""Fixes that write a new element, so they need the file's own indentation: a missing memory region
(for a map or setvar naming one that does not exist) and a missing `<program_image>`.

The analyzer's checks see elements, not the whitespace between them; these read the text around
the diagnostic instead. Neither is safe for `--fix`: each invents a value (a size, an image path).
"""

from __future__ import annotations

import re

from drvls.core.code_actions import QUICK_FIX, Action
from drvls.core.diagnostics import Diagnostic, Fix, Position, Range, TextEdit
from drvls.core.languages import Analysis
from drvls.core.text import LineIndex
from drvls.microkit import codes

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*\Z")
_LEADING = re.compile(r"[ \t]*")
_NEW_REGION_SIZE = "0x1000"


def actions(text: str, analysis: Analysis) -> list[Action]:
    index = LineIndex(text)
    out: list[Action] = []
    for d in analysis.diagnostics:
        fix = None
        if d.code in (codes.MAP_MR.code, codes.SETVAR_MR.code):
            fix = create_region(text, index, _value(text, index, d))
        elif d.code == codes.MISSING_ELEMENT.code and d.message.startswith("missing 'program_image'"):
            fix = add_program_image(text, index, d)
        if fix is not None:
            out.append(Action(d.code, QUICK_FIX, fix, d))
    return out


def _value(text: str, index: LineIndex, d: Diagnostic) -> str:
    start, end = (len(index.data[:index.byte_offset(p)].decode("utf-8", "surrogatepass"))
                  for p in (d.range.start, d.range.end))
    return text[start:end]


def _position(text: str, index: LineIndex, offset: int) -> Position:
    return index.position(len(text[:offset].encode("utf-8", "surrogatepass")))


def _indent_at(text: str, offset: int) -> str:
    line_start = text.rfind("\n", 0, offset) + 1
    match = _LEADING.match(text, line_start)
    return match.group(0) if match else ""


def create_region(text: str, index: LineIndex, name: str) -> Fix | None:
    """A one-page region after the last single-line `<memory_region>`, else before the first PD."""
    if not _NAME.match(name):
        return None
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    target = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("<memory_region") and stripped.endswith(("/>", "</memory_region>")):
            target = (offsets[i + 1], _indent_at(text, offsets[i]))
        elif target is None and stripped.startswith("<protection_domain"):
            target = (offsets[i], _indent_at(text, offsets[i]))
            break
    if target is None:
        return None
    at, indent = target
    newline = "" if at == 0 or text[at - 1] == "\n" else "\n"
    new = f'{newline}{indent}<memory_region name="{name}" size="{_NEW_REGION_SIZE}" />\n'
    pos = _position(text, index, at)
    return Fix(f"Create the memory region '{name}' (one page)", (TextEdit(Range(pos, pos), new),))


def add_program_image(text: str, index: LineIndex, d: Diagnostic) -> Fix | None:
    """`<program_image path="NAME.elf" />` as the PD's first child (opening a self-closed PD)."""
    name = _value(text, index, d)
    if not _NAME.match(name):
        return None
    here = len(index.data[:index.byte_offset(d.range.start)].decode("utf-8", "surrogatepass"))
    start = text.rfind("<protection_domain", 0, here)
    end = _tag_end(text, start) if start >= 0 else None
    if end is None:
        return None
    indent = _indent_at(text, start)
    step = "\t" if indent.startswith("\t") else "    "
    image = f'<program_image path="{name}.elf" />'
    title = f"Add <program_image path=\"{name}.elf\" />"
    if text[end - 1] == "/":
        cut = end - 1
        while text[cut - 1] in " \t":
            cut -= 1
        new = f">\n{indent}{step}{image}\n{indent}</protection_domain>"
        edit = TextEdit(Range(_position(text, index, cut), _position(text, index, end + 1)), new)
    else:
        pos = _position(text, index, end + 1)
        edit = TextEdit(Range(pos, pos), f"\n{indent}{step}{image}")
    return Fix(title, (edit,))


def _tag_end(text: str, start: int) -> int | None:
    """The offset of the `>` closing the start tag at `start` (quotes respected)."""
    quote = None
    for i in range(start, len(text)):
        c = text[i]
        if quote is not None:
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == ">":
            return i
    return None
