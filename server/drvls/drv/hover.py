"""Hover in rule sources and `.drv` files: where a rule was written, and where it was compiled to.

A rule's key is the same in its Markdown source and in every `.drv` compiled from it
(`sources/index.rule_key`), so the indexes the caller holds tell which `.drv` files carry a rule.
"""

from __future__ import annotations

from drvls.core.diagnostics import ZERO_RANGE, Position
from drvls.core.hover import Hover, table
from drvls.core.languages import Analysis
from drvls.core.query import Query
from drvls.core.symbols import Reference, Symbol, SymbolKind
from drvls.drv.model import RuleSet

LISTED = 50  # rules listed in a `.drv`'s hover


def hover_source(analysis: Analysis, query: Query, pos: Position) -> Hover | None:
    found = query.at(pos)
    if found is None:
        return None
    if isinstance(found, Reference):
        sections = query.definitions_of(found.key)
        if not sections:
            return Hover(f"`#{found.name}`: no heading of this file has this anchor", found.range)
        return Hover(section_text(query, sections[0]), found.range)
    if found.kind is SymbolKind.SECTION:
        return Hover(section_text(query, found), found.range)
    if found.kind is SymbolKind.RULE:
        return Hover(rule_text(query, found), found.range)
    return None


def section_text(query: Query, section: Symbol) -> str:
    slug = section.key.removeprefix("rules:section:")
    here = [s for s in query.index.definitions if s.container == section.key]
    rules = sum(1 for s in here if s.kind is SymbolKind.RULE)
    subsections = sum(1 for s in here if s.kind is SymbolKind.SECTION)
    linked = sum(1 for r in query.index.references if r.key == section.key)
    lines = [f"**rule-source heading** `{section.detail} {section.name}`", "", f"- anchor: `#{slug}`",
             f"- rules directly under it: {rules}", f"- subsections: {subsections}",
             f"- links to it in this file: {linked}"]
    return "\n".join(lines)


def rule_text(query: Query, rule: Symbol) -> str:
    _, _, rest = rule.key.removeprefix("rules:rule:").rpartition(":")
    line = rest if rest.isdigit() else "?"
    file = rule.path.name if rule.path is not None else "this file"
    lines = [f"**{rule.detail} rule**: {rule.name}", "", f"- written at `{file}` line {line}"]
    if rule.container is not None:
        heading = next((s for s in query.index.lookup(rule.container)), None)
        if heading is not None:
            lines.append(f"- under the heading `{heading.name}`")
    compiled = sorted({str(index.path.name) for index in query.all if index.path is not None
                       and index.path.suffix == ".drv" and any(r.key == rule.key for r in index.references)})
    if compiled:
        lines.append("- compiled into " + ", ".join(f"`{name}`" for name in compiled))
    return "\n".join(lines)


def hover_drv(analysis: Analysis, query: Query, pos: Position) -> Hover | None:
    """A `.drv` has no text to point into: its hover lists its rules and the source each came from."""
    ruleset = analysis.model
    if not isinstance(ruleset, RuleSet):
        return None
    by_key = {s.key: s for s in query.index.definitions}
    rows = []
    for symbol in by_key.values():
        line = symbol.range.start.line + 1
        where = f"`{symbol.path.name if symbol.path is not None else '?'}` line {line}"
        rows.append((symbol.detail, symbol.name, where))
    lines = [f"**compiled rule set**: {len(ruleset.rules)} rules from {len(ruleset.sources)} source file"
             f"{'s' if len(ruleset.sources) != 1 else ''}", ""]
    lines += table(("kind", "rule", "source"), rows[:LISTED])
    if len(rows) > LISTED:
        lines += ["", f"… and {len(rows) - LISTED} more"]
    return Hover("\n".join(lines), ZERO_RANGE)
