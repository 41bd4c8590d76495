"""Decompiled Markdown: a readable, exact text form of a rule set (`drvls decompile` writes it).

Every rule is one block introduced by an HTML comment (`<!-- drv: standard category=naming
priority=0 file="CLAUDE.md" line=3 -->`) that carries what Markdown cannot show. Field values are
written as they are when that is unambiguous, else as JSON strings, so reading a decompiled file
gives back exactly the rule set it was written from (`read(render(r)) == r` for every rule set).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from drvls.core.diagnostics import Position, Range
from drvls.core.engine import make
from drvls.drv import codes
from drvls.drv.model import (
    Activation,
    Category,
    Context,
    Persona,
    Raw,
    Rule,
    RuleSet,
    Scope,
    SourceRef,
    Standard,
    Workflow,
    WorkflowStep,
)
from drvls.drv.sources.markdown import Segment
from drvls.drv.sources.parsed import ParsedSource, RuleSite, line_range

HEADER = "<!-- drv: ruleset format=1 sources={sources} -->"
ANNOTATION = re.compile(r"^<!-- drv: ([a-z]+)((?: [a-z]+=\S.*?)*) -->$")
ATTRIBUTE = re.compile(r" ([a-z]+)=")
DECODER = json.JSONDecoder()


# -- writing -----------------------------------------------------------------------------------


def value(text: str) -> str:
    """The text itself when a reader cannot mistake it, else a JSON string."""
    if text and text == text.strip() and text.isprintable() and not text.startswith('"'):
        return text
    return quoted(text)


def quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def attr_json(data: Any) -> str:
    """JSON for inside an HTML comment: `>` escaped so `-->` can never appear."""
    return json.dumps(data, ensure_ascii=False).replace(">", "\\u003e")


@lru_cache(maxsize=1024)
def file_attr(name: str) -> str:
    """`attr_json` of a source file's name: a rule set names few files, each on many rules."""
    return attr_json(name)


def annotation(kind: str, rule: Rule, extra: dict[str, int] | None = None, **attrs: str | int) -> str:
    parts = [f"{key}={val}" for key, val in attrs.items()]
    parts += [f"{key}={val}" for key, val in (extra or {}).items()]
    if rule.source.file is not None:
        parts.append(f"file={file_attr(rule.source.file)}")
    if rule.source.line is not None:
        parts.append(f"line={rule.source.line}")
    return f"<!-- drv: {kind}{''.join(' ' + p for p in parts)} -->"


def render(ruleset: RuleSet) -> str:
    """The decompiled Markdown of a rule set; ends with a newline."""
    scopes = ruleset.scopes()
    ids = {scope: i for i, scope in enumerate(scopes)}
    blocks = [HEADER.format(sources=attr_json(list(ruleset.sources)))]
    blocks.extend(render_scope(i, scope) for i, scope in enumerate(scopes))
    blocks.extend(render_rule(rule, scope_attr(ids, rule)) for rule in ruleset.rules)
    return "\n\n".join(blocks) + "\n"


def scope_attr(ids: dict[Scope, int], rule: Rule) -> dict[str, int]:
    return {} if rule.scope is None else {"scope": ids[rule.scope]}


def render_scope(scope_id: int, scope: Scope) -> str:
    """A scope declaration; rules name it with `scope=ID`."""
    parts = [f"id={scope_id}", f"name={attr_json(scope.name)}", f"activation={scope.activation.name.lower()}",
             f"globs={attr_json(list(scope.globs))}"]
    if scope.description is not None:
        parts.append(f"description={attr_json(scope.description)}")
    return f"<!-- drv: scope {' '.join(parts)} -->"


def render_rule(rule: Rule, extra: dict[str, int] | None = None) -> str:
    """One rule's block; `extra` adds attributes (`scope=ID`, and `n=INDEX` in emitted files)."""
    if isinstance(rule, Persona):
        lines = [annotation("persona", rule, extra), f"## Persona: {value(rule.name)}",
                 f"- role: {value(rule.role)}"]
        if rule.identity is not None:
            lines.append(f"- identity: {value(rule.identity)}")
        if rule.style is not None:
            lines.append(f"- style: {value(rule.style)}")
        lines += [f"- trait: {value(t)}" for t in rule.traits]
        lines += [f"- principle: {value(p)}" for p in rule.principles]
    elif isinstance(rule, Standard):
        lines = [annotation("standard", rule, extra, category=rule.category.name.lower(), priority=rule.priority),
                 f"- {value(rule.description)}"]
        if rule.pattern is not None:
            lines.append(f"  - pattern: {value(rule.pattern)}")
    elif isinstance(rule, Context):
        lines = [annotation("context", rule, extra), "## Context"]
        lines += [f"- include: {value(t)}" for t in rule.includes]
        lines += [f"- exclude: {value(t)}" for t in rule.excludes]
        lines += [f"- focus: {value(t)}" for t in rule.focus]
        lines += [f"- dependency: {quoted(n)} {quoted(v)}" for n, v in rule.dependencies]
    elif isinstance(rule, Workflow):
        lines = [annotation("workflow", rule, extra), f"## Workflow: {value(rule.name)}"]
        for step in rule.steps:
            lines += [f"### Step: {value(step.name)}", f"- description: {value(step.description)}"]
            if step.condition is not None:
                lines.append(f"- condition: {value(step.condition)}")
            lines += [f"- action: {value(a)}" for a in step.actions]
    else:
        lines = [annotation("raw", rule, extra, lines=rule.content.count("\n") + 1), rule.content]
    return "\n".join(lines)


# -- reading -----------------------------------------------------------------------------------


class CanonicalError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message  # 0-based line


def read_value(text: str, line: int) -> str:
    if text.startswith('"'):
        try:
            result, end = DECODER.raw_decode(text)
        except json.JSONDecodeError as exc:
            raise CanonicalError(line, f"bad JSON string: {exc.msg}") from None
        if end != len(text) or not isinstance(result, str):
            raise CanonicalError(line, "text after a JSON string")
        return result
    return text


def parse_attributes(text: str, line: int) -> dict[str, Any]:
    """` key=value` pairs; values are JSON (strings, numbers, lists) or bare words."""
    attrs: dict[str, Any] = {}
    pos = 0
    while pos < len(text):
        match = ATTRIBUTE.match(text, pos)
        if not match:
            raise CanonicalError(line, f"cannot read attributes at {text[pos:]!r}")
        pos = match.end()
        if text[pos:pos + 1] in ('"', "[") or text[pos:pos + 1].isdigit():
            try:
                val, pos = DECODER.raw_decode(text, pos)
            except json.JSONDecodeError as exc:
                raise CanonicalError(line, f"bad value for {match.group(1)}: {exc.msg}") from None
        else:
            end = text.find(" ", pos)
            end = len(text) if end < 0 else end
            val, pos = text[pos:end], end
        if match.group(1) in attrs:
            raise CanonicalError(line, f"attribute {match.group(1)} given twice")
        attrs[match.group(1)] = val
    return attrs


@dataclass
class Reader:
    lines: list[str]
    file: str
    pos: int = 0
    out: ParsedSource = field(default_factory=ParsedSource)
    scopes: dict[int, Scope] = field(default_factory=dict)

    def structural(self, index: int) -> str:
        line = self.lines[index]
        return line[:-1] if line.endswith("\r") else line

    def source(self, attrs: dict[str, Any], line: int) -> SourceRef:
        file, number = attrs.pop("file", None), attrs.pop("line", None)
        if file is not None and not isinstance(file, str):
            raise CanonicalError(line, "file must be a JSON string")
        if number is not None and (not isinstance(number, int) or isinstance(number, bool) or number < 1):
            raise CanonicalError(line, "line must be a positive whole number")
        return SourceRef(file, number)

    def read(self) -> ParsedSource:
        header = ANNOTATION.match(self.structural(0)) if self.lines else None
        if header is None or header.group(1) != "ruleset":
            raise CanonicalError(0, "the first line must be the `<!-- drv: ruleset … -->` header")
        attrs = parse_attributes(header.group(2), 0)
        sources = attrs.get("sources", [])
        if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
            raise CanonicalError(0, "sources must be a JSON list of strings")
        self.out.sources = list(sources)
        self.pos = 1
        while True:
            while self.pos < len(self.lines) and not self.structural(self.pos).strip():
                self.pos += 1
            if self.pos >= len(self.lines):
                return self.out
            self.block()

    def scope(self, attrs: dict[str, Any], line: int) -> None:
        scope_id, name = attrs.pop("id", None), attrs.pop("name", None)
        activation, globs = attrs.pop("activation", "always"), attrs.pop("globs", [])
        description = attrs.pop("description", None)
        if not isinstance(scope_id, int) or isinstance(scope_id, bool) or scope_id in self.scopes:
            raise CanonicalError(line, "a scope needs a new id=N")
        if not isinstance(name, str) or not (description is None or isinstance(description, str)):
            raise CanonicalError(line, "a scope's name and description are JSON strings")
        if not isinstance(globs, list) or not all(isinstance(g, str) for g in globs):
            raise CanonicalError(line, "a scope's globs are a JSON list of strings")
        try:
            mode = Activation[str(activation).upper()]
        except KeyError:
            raise CanonicalError(line, f"unknown activation {activation!r}") from None
        if attrs:
            raise CanonicalError(line, f"unexpected attribute {sorted(attrs)[0]!r} for a scope")
        self.scopes[scope_id] = Scope(name, mode, tuple(globs), description)

    def rule_scope(self, attrs: dict[str, Any], line: int) -> Scope | None:
        scope_id = attrs.pop("scope", None)
        if scope_id is None:
            return None
        if scope_id not in self.scopes:
            raise CanonicalError(line, f"scope={scope_id!r} is not declared above")
        return self.scopes[scope_id]

    def block(self) -> None:
        start = self.pos
        match = ANNOTATION.match(self.structural(start))
        if match is None:
            raise CanonicalError(start, "expected a `<!-- drv: KIND … -->` line starting a rule")
        kind, attrs = match.group(1), parse_attributes(match.group(2), start)
        if kind == "scope":
            self.scope(attrs, start)
            self.pos += 1
            return
        position = attrs.pop("n", None)
        if position is not None and (not isinstance(position, int) or isinstance(position, bool) or position < 0):
            raise CanonicalError(start, "n must be a whole number")
        scope = self.rule_scope(attrs, start)
        source = self.source(attrs, start)
        self.pos += 1
        rule: Rule
        segments: tuple[Segment, ...] = ()
        if kind == "raw":
            rule = self.raw(attrs, source, start)
        elif kind == "standard":
            rule, segments = self.standard(attrs, source, start)
        elif kind == "persona":
            rule = self.persona(source, start)
        elif kind == "context":
            rule = self.context(source, start)
        elif kind == "workflow":
            rule = self.workflow(source, start)
        else:
            raise CanonicalError(start, f"unknown rule kind {kind!r}")
        if attrs:
            raise CanonicalError(start, f"unexpected attribute {sorted(attrs)[0]!r} for a {kind} rule")
        rule.scope = scope
        anchor_line = start + 1 if self.pos > start + 1 else start
        anchor = line_range(anchor_line + 1, 0, self.structural(anchor_line))
        self.out.rules.append(rule)
        self.out.positions.append(position)
        self.out.sites.append(RuleSite(anchor=anchor, lines=frozenset(range(start + 1, self.pos + 1)),
                                       segments=segments))

    def raw(self, attrs: dict[str, Any], source: SourceRef, start: int) -> Raw:
        count = attrs.pop("lines", None)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise CanonicalError(start, "a raw rule needs lines=N (a positive whole number)")
        if self.pos + count > len(self.lines):
            raise CanonicalError(start, f"the raw rule's {count} lines run past the end of the file")
        content = "\n".join(self.lines[self.pos:self.pos + count])
        self.pos += count
        if self.pos < len(self.lines) and self.structural(self.pos).strip():
            raise CanonicalError(self.pos, "a raw rule must be followed by a blank line (is lines=N right?)")
        return Raw(content, source=source)

    def standard(self, attrs: dict[str, Any], source: SourceRef,
                 start: int) -> tuple[Standard, tuple[Segment, ...]]:
        category_name = attrs.pop("category", "style")
        priority = attrs.pop("priority", 0)
        try:
            category = Category[str(category_name).upper()]
        except KeyError:
            raise CanonicalError(start, f"unknown category {category_name!r}") from None
        if not isinstance(priority, int) or isinstance(priority, bool) or not 0 <= priority <= 255:
            raise CanonicalError(start, "priority must be a whole number from 0 to 255")
        line = self.expect("- ")
        description = read_value(line[2:], self.pos - 1)
        segments = (Segment(self.pos, 2, description),) if not line[2:].startswith('"') else ()
        rule = Standard(category, priority, description, source=source)
        pattern = self.optional("  - pattern: ")
        if pattern is not None:
            rule.pattern = read_value(pattern, self.pos - 1)
        return rule, segments

    def persona(self, source: SourceRef, start: int) -> Persona:
        persona = Persona(name=read_value(self.expect("## Persona: ")[12:], self.pos - 1), role="", source=source)
        seen: set[str] = set()
        for key, text in self.items():
            if key in ("role", "identity", "style"):
                if key in seen:
                    raise CanonicalError(self.pos - 1, f"{key} given twice")
                seen.add(key)
                setattr(persona, key, text)
            elif key in ("trait", "principle"):
                getattr(persona, key + "s").append(text)
            else:
                raise CanonicalError(self.pos - 1, f"a persona has no {key!r}")
        return persona

    def context(self, source: SourceRef, start: int) -> Context:
        self.expect("## Context")
        context = Context(source=source)
        lists = {"include": context.includes, "exclude": context.excludes, "focus": context.focus}
        for key, text in self.items(raw_keys=("dependency",)):
            if key in lists:
                lists[key].append(text)
            elif key == "dependency":
                context.dependencies.append(self.dependency(text))
            else:
                raise CanonicalError(self.pos - 1, f"a context has no {key!r}")
        return context

    def dependency(self, text: str) -> tuple[str, str]:
        try:
            name, end = DECODER.raw_decode(text)
            version, end2 = DECODER.raw_decode(text, end + 1)
        except json.JSONDecodeError as exc:
            raise CanonicalError(self.pos - 1, f"a dependency is two JSON strings: {exc.msg}") from None
        if text[end:end + 1] != " " or end2 != len(text) or not (isinstance(name, str) and isinstance(version, str)):
            raise CanonicalError(self.pos - 1, 'a dependency is written `"name" "version"`')
        return name, version

    def workflow(self, source: SourceRef, start: int) -> Workflow:
        flow = Workflow(name=read_value(self.expect("## Workflow: ")[13:], self.pos - 1), source=source)
        while self.pos < len(self.lines) and self.structural(self.pos).startswith("### Step: "):
            step = WorkflowStep(name=read_value(self.structural(self.pos)[10:], self.pos), description="")
            self.pos += 1
            seen: set[str] = set()
            for key, text in self.items():
                if key in ("description", "condition"):
                    if key in seen:
                        raise CanonicalError(self.pos - 1, f"{key} given twice")
                    seen.add(key)
                    setattr(step, key, text)
                elif key == "action":
                    step.actions.append(text)
                else:
                    raise CanonicalError(self.pos - 1, f"a workflow step has no {key!r}")
            flow.steps.append(step)
        return flow

    def expect(self, prefix: str) -> str:
        if self.pos >= len(self.lines) or not self.structural(self.pos).startswith(prefix):
            raise CanonicalError(min(self.pos, len(self.lines) - 1), f"expected a line starting {prefix!r}")
        self.pos += 1
        return self.structural(self.pos - 1)

    def optional(self, prefix: str) -> str | None:
        if self.pos < len(self.lines) and self.structural(self.pos).startswith(prefix):
            self.pos += 1
            return self.structural(self.pos - 1)[len(prefix):]
        return None

    def items(self, raw_keys: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
        """`- key: value` lines up to the next blank line or heading."""
        while self.pos < len(self.lines):
            line = self.structural(self.pos)
            if not line.startswith("- "):
                return
            key, sep, rest = line[2:].partition(": ")
            if not sep:
                raise CanonicalError(self.pos, "expected `- key: value`")
            self.pos += 1
            yield key, rest if key in raw_keys else read_value(rest, self.pos - 1)


def parse_decompiled(text: str, file: str, first_line: int = 0) -> ParsedSource:
    """Read decompiled Markdown; a format error stops reading and is reported where it is.
    `first_line` is where `text` starts in its file (emitted files have a header above it)."""
    reader = Reader(lines=text.split("\n"), file=file)
    try:
        return reader.read()
    except CanonicalError as exc:
        pos = Position(exc.line + first_line, 0)
        reader.out.problems.append(make(codes.INVALID_CANONICAL, exc.message,
                                        Range(pos, pos)))
        return reader.out
