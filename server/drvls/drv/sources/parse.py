"""Parsing one rule source into rules with source lines; never raises (problems are diagnostics)."""

from __future__ import annotations

from drvls.core.diagnostics import Position, Range
from drvls.core.engine import make
from drvls.drv import codes
from drvls.drv.sources.aider_yaml import map_aider_yaml
from drvls.drv.sources.canonical import parse_decompiled
from drvls.drv.sources.detect import SCOPED_FORMATS, Format, format_by_name, format_for, is_decompiled
from drvls.drv.sources.mapping import map_markdown
from drvls.drv.sources.markdown import Block, Section, parse_markdown
from drvls.drv.sources.parsed import ParsedSource, RuleSite

__all__ = ["Format", "ParsedSource", "RuleSite", "format_by_name", "format_for", "is_decompiled",
           "parse_source"]


def parse_source(text: str, file: str, fmt: Format) -> ParsedSource:
    """Rules of one source file; `file` is the name recorded in every rule's `SourceRef`."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if fmt is Format.DECOMPILED:
        return parse_decompiled(text, file)
    from drvls.drv.sources.emitted import is_emitted, parse_emitted

    if is_emitted(text):
        return parse_emitted(text, file)
    if fmt in SCOPED_FORMATS:
        from drvls.drv.sources.scoped import parse_scoped

        return parse_scoped(text, file, fmt)
    parsed = ParsedSource(sources=[file])
    if fmt is Format.AIDER_YAML:
        map_aider_yaml(text, file, parsed)
        return parsed
    doc = parse_markdown(text)
    map_markdown(doc, file, fmt, parsed)
    for block in unclosed_fences(doc.root):
        pos = Position(block.start - 1, 0)
        parsed.problems.append(make(codes.UNCLOSED_FENCE,
                                    "this code fence is never closed, so everything after it is code",
                                    Range(pos, Position(pos.line, len(doc.lines[block.start - 1])))))
    return parsed


def unclosed_fences(section: Section) -> list[Block]:
    found = [b for b in section.blocks if b.kind == "code" and not b.closed]
    for child in section.children:
        found.extend(unclosed_fences(child))
    return found
