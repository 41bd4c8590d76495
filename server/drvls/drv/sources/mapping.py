"""Markdown sections → personas, standards, contexts, workflows and raw rules.

The mapping is table-driven: each editor dialect names the heading words that make a section a
persona, a context, a workflow or a list of standards (see `docs/rule-sources.md`). Whatever maps
to nothing becomes a raw rule holding the exact source lines, so no text of a source is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from drvls.core.diagnostics import Range
from drvls.drv.model import (
    Category,
    Context,
    Persona,
    Raw,
    Rule,
    SourceRef,
    Standard,
    Workflow,
    WorkflowStep,
)
from drvls.drv.sources.detect import Format
from drvls.drv.sources.markdown import Block, Document, Section
from drvls.drv.sources.parsed import ParsedSource, RuleSite, line_range, segments_range

PERSONA, CONTEXT, WORKFLOW, STANDARDS, MEMORY = "persona", "context", "workflow", "standards", "memory"
MAX_PRIORITY = 255
MEMORY_BASE_PRIORITY = 100


def words(*stems: str) -> re.Pattern[str]:
    """Stems matched at the start of a word, case-insensitively ("test" matches "Testing")."""
    return re.compile(r"\b(?:" + "|".join(re.escape(s) for s in stems) + ")", re.IGNORECASE)


# Per dialect: heading pattern → (kind, category); the first match wins.
Table = tuple[tuple[re.Pattern[str], str, Category], ...]
PERSONA_WORDS = words("persona", "role", "who you are", "identity")
CONTEXT_WORDS = words("context", "project", "codebase")
WORKFLOW_WORDS = words("workflow", "process", "steps")

TABLES: dict[Format, Table] = {
    Format.CURSOR: (
        (PERSONA_WORDS, PERSONA, Category.STYLE),
        (CONTEXT_WORDS, CONTEXT, Category.STYLE),
        (WORKFLOW_WORDS, WORKFLOW, Category.STYLE),
        (words("style", "convention", "standard", "rule", "guideline"), STANDARDS, Category.STYLE),
    ),
    Format.COPILOT: (
        (words("project", "overview", "context"), CONTEXT, Category.STYLE),
        (words("code", "style", "convention", "quality"), STANDARDS, Category.STYLE),
        (words("structure", "architecture"), STANDARDS, Category.ARCHITECTURE),
        (words("test"), STANDARDS, Category.TESTING),
        (words("doc"), STANDARDS, Category.DOCUMENTATION),
    ),
    Format.WINDSURF: (
        (words("rule", "guideline", "standard"), STANDARDS, Category.STYLE),
        (words("context", "project"), CONTEXT, Category.STYLE),
    ),
    Format.CLAUDE: (
        (words("instruction", "guideline"), STANDARDS, Category.STYLE),
        (words("context", "about"), CONTEXT, Category.STYLE),
        (words("memory", "remember"), MEMORY, Category.OTHER),
    ),
    Format.DRIVEN: (
        (PERSONA_WORDS, PERSONA, Category.STYLE),
        (WORKFLOW_WORDS, WORKFLOW, Category.STYLE),
        (words("context", "project", "overview", "about", "codebase"), CONTEXT, Category.STYLE),
        (words("memory", "remember"), MEMORY, Category.OTHER),
        (words("standard", "style", "convention", "rule", "guideline", "instruction", "quality", "naming",
               "error", "test", "documentation", "docs", "security", "performance", "architecture",
               "structure", "import", "git", "api"), STANDARDS, Category.STYLE),
    ),
}
TABLES[Format.AIDER_CONVENTIONS] = TABLES[Format.DRIVEN]
# In every dialect, a heading naming a standards category (Naming, Testing, Security…) that the
# dialect's own words do not claim is a list of standards, rather than raw text.
CATEGORY_HEADINGS = words("naming", "error", "test", "documentation", "docs", "security", "performance",
                          "architecture", "import", "git", "api", "style")
for _format, _table in list(TABLES.items()):
    TABLES[_format] = (*_table, (CATEGORY_HEADINGS, STANDARDS, Category.STYLE))

# Heading words → category, for the headings inside a list of standards.
CATEGORY_WORDS: tuple[tuple[re.Pattern[str], Category], ...] = (
    (words("naming", "name"), Category.NAMING),
    (words("error", "exception"), Category.ERROR_HANDLING),
    (words("test"), Category.TESTING),
    (words("documentation", "docs", "docstring", "comment"), Category.DOCUMENTATION),
    (words("security", "secure"), Category.SECURITY),
    (words("performance", "speed"), Category.PERFORMANCE),
    (words("architecture", "structure", "design"), Category.ARCHITECTURE),
    (words("import", "dependenc"), Category.IMPORTS),
    (words("git", "commit"), Category.GIT),
    (words("api"), Category.API),
    (words("style", "format"), Category.STYLE),
    (words("memory", "remember", "other"), Category.OTHER),
)

PERSONA_PARTS = (
    (words("trait"), "traits"),
    (words("principle", "value"), "principles"),
    (words("identity", "background", "who you are"), "identity"),
    (words("style", "tone", "communication", "voice"), "style"),
)
CONTEXT_PARTS = (
    (words("focus"), "focus"),
    (words("include"), "includes"),
    (words("exclude", "ignore"), "excludes"),
    (words("dependenc"), "dependencies"),
)
TITLE_PREFIX = re.compile(r"^(?:ai\s+)?(?:persona|role|workflow|step(?:\s+\d+)?)\s*[:\-–—]\s*(.+)$", re.I)
BOLD_STEP = re.compile(r"^\*\*(.+?)\*\*\s*(?:[:\-–—]\s*(.*))?$")
PLAIN_STEP = re.compile(r"^([^:]{1,60}):\s+(.+)$")
CONDITION = re.compile(r"^(?:\*\*)?(?:condition|if|when)(?:\*\*)?\s*:\s*(?:\*\*)?\s*(.*)$", re.I)
PATH_LIKE = re.compile(r"^`?[\w.\-/*?\[\]{}!]+`?$")
DEPENDENCY = re.compile(r"^`?([^\s@=:`]+)`?\s*(?:@|==?|:|\s)\s*`?([^\s`]+)`?$")


def classify(title: str, table: Table) -> tuple[str, Category] | None:
    for pattern, kind, category in table:
        if pattern.search(title):
            return kind, category_of(title) or category if kind == STANDARDS else category
    return None


def category_of(title: str) -> Category | None:
    for pattern, category in CATEGORY_WORDS:
        if pattern.search(title):
            return category
    return None


def part_of(title: str, parts: tuple[tuple[re.Pattern[str], str], ...]) -> str | None:
    for pattern, name in parts:
        if pattern.search(title):
            return name
    return None


def strip_title(title: str) -> str:
    match = TITLE_PREFIX.match(title)
    return match.group(1).strip() if match else title


@dataclass
class Mapper:
    """Walks one document's section tree and collects rules with their sites, in source order."""

    doc: Document
    file: str
    table: Table
    found: list[tuple[int, int, Rule, RuleSite]] = field(default_factory=list)
    standards_made: int = 0
    # Headings of standards sections not yet carried by a standard: the next standard made carries
    # them (their words gave it its category), so every heading's text is accounted for.
    pending_headings: list[int] = field(default_factory=list)

    def result(self, parsed: ParsedSource) -> None:
        for _line, _seq, rule, site in sorted(self.found, key=lambda f: (f[0], f[1])):
            parsed.rules.append(rule)
            parsed.sites.append(site)

    def emit(self, rule: Rule, site: RuleSite, line: int) -> None:
        self.found.append((line, len(self.found), rule, site))

    def source(self, line: int) -> SourceRef:
        return SourceRef(self.file, line)

    # -- dispatch ---------------------------------------------------------------------------------

    def section(self, sec: Section, inherited: tuple[str, Category] | None = None) -> None:
        own = classify(sec.title, self.table) if sec.level > 0 else (STANDARDS, Category.STYLE)
        if own is None and inherited is not None and inherited[0] in (STANDARDS, MEMORY):
            own = (inherited[0], category_of(sec.title) or inherited[1])
        if own is None:
            self.unmapped(sec)
        elif own[0] == PERSONA:
            self.persona(sec)
        elif own[0] == CONTEXT:
            self.context(sec)
        elif own[0] == WORKFLOW:
            self.workflow(sec)
        else:
            self.standards(sec, own)

    def heading_site(self, sec: Section, extra: set[int]) -> RuleSite:
        anchor = line_range(sec.line, sec.title_column, sec.title)
        return RuleSite(anchor=anchor, lines=frozenset({sec.line, *extra} - {0}))

    def raw(self, start: int, end: int) -> None:
        """A raw rule holding source lines start..end exactly as written."""
        anchor = Range(line_range(start, 0, self.doc.lines[start - 1]).start,
                       line_range(end, 0, self.doc.lines[end - 1]).end)
        self.emit(Raw(content=self.doc.verbatim(start, end), source=self.source(start)),
                  RuleSite(anchor=anchor, lines=frozenset(range(start, end + 1))), start)

    def raw_block(self, block: Block) -> None:
        self.raw(block.start, block.end)

    def unmapped(self, sec: Section) -> None:
        """A section no table entry matches: its heading and own text become one raw rule."""
        if sec.level > 0:
            self.raw(sec.line, sec.own_end())
        else:
            for block in sec.blocks:
                self.raw_block(block)
        for child in sec.children:
            self.section(child)

    # -- standards --------------------------------------------------------------------------------

    def standards(self, sec: Section, kind: tuple[str, Category]) -> None:
        before = self.standards_made
        base = MEMORY_BASE_PRIORITY if kind[0] == MEMORY else 0
        index = 0
        if sec.level > 0:
            self.pending_headings.append(sec.line)
        for block in sec.blocks:
            if block.kind != "item":
                self.raw_block(block)
                continue
            priority = min(base + index, MAX_PRIORITY)
            index += 1
            rule = Standard(category=kind[1], priority=priority, description=block.text,
                            source=self.source(block.start))
            site = RuleSite(anchor=segments_range(block.segments),
                            lines=frozenset({*range(block.start, block.end + 1), *self.pending_headings}),
                            segments=tuple(block.segments))
            self.pending_headings.clear()
            self.emit(rule, site, block.start)
            self.standards_made += 1
        for child in sec.children:
            self.section(child, kind if sec.level > 0 else None)
        if sec.level > 0 and self.standards_made == before:
            if sec.line in self.pending_headings:
                self.pending_headings.remove(sec.line)
            self.raw(sec.line, sec.line)  # a heading that introduces no standard keeps its text

    # -- persona ----------------------------------------------------------------------------------

    def persona(self, sec: Section) -> None:
        persona = Persona(name=strip_title(sec.title), role="", source=self.source(sec.line))
        lines: set[int] = set()
        for block in sec.blocks:
            if block.kind == "paragraph" and not persona.role:
                persona.role = block.text
                lines.update(range(block.start, block.end + 1))
            elif block.kind == "item":
                target = persona.principles if "principle" in block.text.lower() else persona.traits
                target.append(block.text)
                lines.update(range(block.start, block.end + 1))
            else:
                self.raw_block(block)
        for child in sec.children:
            part = part_of(child.title, PERSONA_PARTS)
            if part is None:
                self.section(child)
                continue
            lines.add(child.line)
            for block in child.blocks:
                if part in ("traits", "principles") and block.kind == "item":
                    getattr(persona, part).append(block.text)
                elif part in ("identity", "style") and getattr(persona, part) is None and block.kind != "code":
                    setattr(persona, part, block.text)
                else:
                    self.raw_block(block)
                    continue
                lines.update(range(block.start, block.end + 1))
            for grandchild in child.children:
                self.section(grandchild)
        self.emit(persona, self.heading_site(sec, lines), sec.line)

    # -- context ----------------------------------------------------------------------------------

    def context(self, sec: Section) -> None:
        context = Context(source=self.source(sec.line))
        lines: set[int] = set()
        for block in sec.blocks:
            if block.kind != "item":
                self.raw_block(block)
                continue
            target = context.includes if PATH_LIKE.match(block.text) and "/" in block.text else context.focus
            target.append(block.text)
            lines.update(range(block.start, block.end + 1))
        for child in sec.children:
            part = part_of(child.title, CONTEXT_PARTS)
            if part is None:
                self.section(child)
                continue
            lines.add(child.line)
            for block in child.blocks:
                if block.kind != "item":
                    self.raw_block(block)
                    continue
                if part == "dependencies":
                    context.dependencies.append(dependency(block.text))
                else:
                    getattr(context, part).append(block.text)
                lines.update(range(block.start, block.end + 1))
            for grandchild in child.children:
                self.section(grandchild)
        self.emit(context, self.heading_site(sec, lines), sec.line)

    # -- workflow ---------------------------------------------------------------------------------

    def workflow(self, sec: Section) -> None:
        flow = Workflow(name=strip_title(sec.title), source=self.source(sec.line))
        lines: set[int] = set()
        items = [b for b in sec.blocks if b.kind == "item"]
        base = min((b.indent for b in items), default=0)
        for block in sec.blocks:
            if block.kind != "item":
                self.raw_block(block)
                continue
            lines.update(range(block.start, block.end + 1))
            if block.indent > base and flow.steps:
                add_step_detail(flow.steps[-1], block.text)
            else:
                flow.steps.append(step_from_text(block.text))
        for child in sec.children:
            lines.add(child.line)
            step = WorkflowStep(name=strip_title(child.title), description="")
            for block in child.blocks:
                if block.kind == "paragraph" and not step.description:
                    step.description = block.text
                elif block.kind == "item":
                    add_step_detail(step, block.text)
                else:
                    self.raw_block(block)
                    continue
                lines.update(range(block.start, block.end + 1))
            flow.steps.append(step)
            for grandchild in child.children:
                self.section(grandchild)
        self.emit(flow, self.heading_site(sec, lines), sec.line)


def step_from_text(text: str) -> WorkflowStep:
    """`**Name**: what to do`, `Name: what to do`, or just a name."""
    match = BOLD_STEP.match(text) or PLAIN_STEP.match(text)
    if match:
        return WorkflowStep(name=match.group(1).strip(), description=(match.group(2) or "").strip())
    return WorkflowStep(name=text, description="")


def add_step_detail(step: WorkflowStep, text: str) -> None:
    """A nested item is the step's condition (`Condition:`/`If:`/`When:`) or one of its actions."""
    match = CONDITION.match(text)
    if match and step.condition is None:
        step.condition = match.group(1).strip()
    else:
        step.actions.append(text)


def dependency(text: str) -> tuple[str, str]:
    """`name version`, `name@version`, `name = version` or `name: version`; else the whole text."""
    match = DEPENDENCY.match(text.strip())
    if match:
        return match.group(1), match.group(2)
    return text, ""


def map_markdown(doc: Document, file: str, fmt: Format, parsed: ParsedSource) -> None:
    mapper = Mapper(doc=doc, file=file, table=TABLES.get(fmt, TABLES[Format.DRIVEN]))
    mapper.section(doc.root)
    mapper.result(parsed)
