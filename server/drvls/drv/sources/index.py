"""The symbol index of a rule source: headings as sections, each rule where it is written, links.

Sections are keyed by their GitHub-style anchor slug (`rules:section:SLUG`), so `[see](#naming)`
in the same file is a reference to the `## Naming` heading; rules by the file name and 1-based
line recorded in their `SourceRef` (`rules:rule:NAME:LINE`), the key a compiled `.drv` gives the
same rule, so a `.drv`'s rules lead back to where they were written.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from pathlib import Path

from drvls.core.diagnostics import Position, Range
from drvls.core.symbols import Link, OutlineNode, Reference, Symbol, SymbolIndex, SymbolKind
from drvls.drv.model import Rule, RuleKind
from drvls.drv.sources.markdown import Document, Section, parse_markdown
from drvls.drv.sources.parsed import ParsedSource, RuleSite

LABEL_LENGTH = 60
# `[text](target)` and `[text](target "title")`; images too (`![alt](img.png)`).
MARKDOWN_LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def section_key(slug: str) -> str:
    return f"rules:section:{slug}"


def rule_key(file: str | None, line: int | None) -> str:
    """The key of the rule written at `line` of `file` (a `SourceRef`), the same in a source and a `.drv`."""
    return f"rules:rule:{(file or '').rsplit('/', 1)[-1]}:{line or 0}"


def slugify(title: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    kept = re.sub(r"[^\w\- ]", "", title.strip().lower())
    return kept.replace(" ", "-")


def rule_label(rule: Rule) -> str:
    """A short name for a rule in outlines and symbol searches."""
    if rule.kind is RuleKind.PERSONA:
        text = getattr(rule, "name", "") or "persona"
    elif rule.kind is RuleKind.WORKFLOW:
        text = getattr(rule, "name", "") or "workflow"
    elif rule.kind is RuleKind.STANDARD:
        text = getattr(rule, "description", "")
    elif rule.kind is RuleKind.CONTEXT:
        text = "context"
    else:
        text = getattr(rule, "content", "")
    first = next((line.strip() for line in text.splitlines() if line.strip()), rule.kind.name.lower())
    return first if len(first) <= LABEL_LENGTH else first[: LABEL_LENGTH - 1] + "…"


def build_index(text: str, parsed: ParsedSource, path: Path | None, markdown: bool) -> SymbolIndex:
    """Sections (for Markdown dialects), rules, in-file anchor references and links to other files."""
    doc = parse_markdown(text[1:] if text.startswith("\ufeff") else text) if markdown else None
    sections = list(_sections(doc, path)) if doc is not None else []
    around = _Sections(sections)
    rules = [_rule_symbol(rule, site, path, around) for rule, site in zip(parsed.rules, parsed.sites, strict=False)]
    references, links = _links(doc, path, {s.key for s, _ in sections}) if doc is not None else ((), ())
    folds = tuple(full for s, full in sections if full.end.line > full.start.line)
    folds += tuple(r.full_range for r in rules if r.full_range.end.line > r.full_range.start.line)
    return SymbolIndex(path=path, definitions=(*(s for s, _ in sections), *rules), references=tuple(references),
                       outline=_outline([s for s, _ in sections], rules), links=tuple(links), folds=folds)


def _sections(doc: Document, path: Path | None) -> Iterator[tuple[Symbol, Range]]:
    seen: dict[str, int] = {}

    def walk(section: Section, container: str | None) -> Iterator[tuple[Symbol, Range]]:
        for child in section.children:
            slug = slugify(child.title)
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            key = section_key(slug if count == 0 else f"{slug}-{count}")
            line = doc.lines[child.line - 1]
            end_line = _last_line(child)
            full = Range(Position(child.line - 1, 0), Position(end_line - 1, len(doc.lines[end_line - 1])))
            name = Range(Position(child.line - 1, child.title_column),
                         Position(child.line - 1, min(len(line), child.title_column + len(child.title))))
            yield Symbol(key, child.title or "(untitled)", SymbolKind.SECTION, name, full, path, container,
                         detail="#" * child.level), full
            yield from walk(child, key)

    yield from walk(doc.root, None)


def _last_line(section: Section) -> int:
    last = section.own_end()
    for child in section.children:
        last = max(last, _last_line(child))
    return last


class _Sections:
    """The sections in file order, to find the innermost one around a rule in O(depth)."""

    def __init__(self, sections: list[tuple[Symbol, Range]]) -> None:
        self.starts = [full.start for _, full in sections]
        self.items = sections
        self.by_key = {symbol.key: (symbol, full) for symbol, full in sections}

    def around(self, anchor: Range) -> str | None:
        i = bisect_right(self.starts, anchor.start) - 1
        item = self.items[i] if i >= 0 else None
        while item is not None:  # from the last section starting before the rule, up its parents
            symbol, full = item
            if full.contains(anchor):
                return symbol.key
            item = self.by_key.get(symbol.container) if symbol.container is not None else None
        return None


def _rule_symbol(rule: Rule, site: RuleSite, path: Path | None, sections: _Sections) -> Symbol:
    # The lines a rule carries may include headings above it (a standard keeps its section's
    # heading text); its own extent runs from its anchor's line to its last line after that.
    after = [n for n in site.lines if n - 1 >= site.anchor.start.line]
    end = max(site.anchor.end, Position(max(after) - 1, 0)) if after else site.anchor.end
    full = Range(Position(site.anchor.start.line, 0), end)
    return Symbol(rule_key(rule.source.file, rule.source.line), rule_label(rule), SymbolKind.RULE, site.anchor,
                  full, path, sections.around(site.anchor), detail=rule.kind.name.lower())


def _links(doc: Document, path: Path | None, anchors: set[str]) -> tuple[list[Reference], list[Link]]:
    """`[..](#anchor)` → a reference to that heading; `[..](relative/file)` → a document link."""
    references: list[Reference] = []
    links: list[Link] = []
    in_code = _code_lines(doc.root)
    for number, line in enumerate(doc.lines):
        if number + 1 in in_code or "](" not in line:
            continue
        for match in MARKDOWN_LINK.finditer(line):
            target = match.group(1)
            span = Range(Position(number, match.start(1)), Position(number, match.end(1)))
            if target.startswith("#"):
                key = section_key(target[1:].lower())
                references.append(Reference(key, target[1:], span, path, SymbolKind.SECTION, key in anchors))
            elif path is not None and not URL_SCHEME.match(target) and not target.startswith("/"):
                links.append(Link(span, path.parent / target.split("#", 1)[0]))
    return references, links


def _code_lines(section: Section) -> set[int]:
    found = {n for b in section.blocks if b.kind == "code" for n in range(b.start, b.end + 1)}
    for child in section.children:
        found |= _code_lines(child)
    return found


def _outline(sections: list[Symbol], rules: list[Symbol]) -> tuple[OutlineNode, ...]:
    """Sections nested as written, each holding its rules (rules before any heading at the top)."""
    names = {s.key: s.range for s in sections}
    children: dict[str | None, list[Symbol]] = {}
    for symbol in sorted((*sections, *rules), key=lambda s: (s.full_range.start, s.kind is SymbolKind.RULE)):
        if symbol.kind is SymbolKind.RULE and symbol.container is not None and \
                symbol.range == names.get(symbol.container):
            continue  # a heading that is itself the rule (a persona, a workflow): shown once, as the section
        children.setdefault(symbol.container, []).append(symbol)

    def nodes(key: str | None) -> tuple[OutlineNode, ...]:
        return tuple(OutlineNode(s, nodes(s.key) if s.kind is SymbolKind.SECTION else ())
                     for s in children.get(key, []))

    return nodes(None)
