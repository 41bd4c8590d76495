"""Completion in rule sources: front-matter keys and their values, and heading titles that map to rules.

Which keys each scoped format reads, and what their values are (text, globs, a boolean, a word
meaning an activation), is `sources.scoped.FRONT_MATTER_KEYS`, the table the reader itself uses, so
a proposed key is one that `drvls compile` turns into the scope. A heading being typed is offered
the titles the file's dialect maps to a rule kind, each classified by the mapping's own tables
(`sources.mapping.classify`), so what is proposed is what the file will compile to. The cursor's
context is read from the lines, so a block still being written (no closing fence yet) completes too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from drvls.core.completion import CompletionItem, ItemKind, choice, word_range
from drvls.core.diagnostics import Position, Range
from drvls.drv.model import Activation, Category
from drvls.drv.sources.detect import SCOPED_FORMATS, Format
from drvls.drv.sources.front_matter import ITEM, KEY
from drvls.drv.sources.mapping import STANDARDS, TABLES, classify
from drvls.drv.sources.markdown import split_lines
from drvls.drv.sources.parsed import ParsedSource
from drvls.drv.sources.scoped import BODY_DIALECT, BOOLEAN, FRONT_MATTER_KEYS, GLOBS

FENCE = "---"
KEY_TYPED = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
VALUE_TYPED = re.compile(r"^([A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*:[ \t]*")
ITEM_TYPED = re.compile(r"^[ \t]*-[ \t]*")
# Globs proposed as values (the first a snippet: the editor selects the extension to type).
GLOB_VALUES = (("**/*.${1:ext}", "files with one extension, anywhere"), ("**", "every file"),
               ("src/**", "everything under src/"), ("tests/**", "everything under tests/"),
               ("docs/**", "everything under docs/"))
KEY_DOCS = {
    "description": "what the rules are about: an assistant attaches them when it judges this relevant",
    "globs": "the files the rules apply to (comma-separated, or a list)",
    "alwaysApply": "`true`: the rules apply to every request, whatever the globs say",
    "applyTo": "the files the instructions apply to (comma-separated globs; `**` for all)",
    "paths": "the files the rules apply to (a list, or one glob); without it they always apply",
    "trigger": "when the rules apply: `always_on`, `glob` (the globs), `model_decision` (the description), "
               "`manual`",
    "inclusion": "when the steering applies: `always` (the default), `fileMatch` (the pattern), `auto` "
                 "(the description), `manual`",
    "fileMatchPattern": "the files the steering applies to (one glob, or a list)",
}
HEADING_TYPED = re.compile(r"^ {0,3}#{1,6}[ \t]+")
# Heading titles proposed, in this order; each is kept when the dialect maps it to a rule kind (and
# category) no earlier title gives.
TITLES = ("Persona", "Context", "Workflow", "Standards", "Code style", "Naming", "Error handling", "Testing",
          "Documentation", "Security", "Performance", "Architecture", "Imports", "Git", "API", "Memory")
KIND_DOCS = {"persona": "a persona: its role, traits and principles", "context": "the project's context: focus, "
             "included and excluded paths, dependencies", "workflow": "a workflow: its steps",
             "memory": "memories: one standard (category Other) per item"}
NOT_MARKDOWN = frozenset({Format.AIDER_YAML, Format.DECOMPILED})
ACTIVATION_DOCS = {Activation.ALWAYS: "always applies", Activation.FILES: "applies to the files the globs match",
                   Activation.REQUESTED: "attached when the assistant judges the description relevant",
                   Activation.MANUAL: "applies only when named by hand"}


def complete(analysis: Any, text: str, pos: Position) -> Iterator[CompletionItem]:
    """Proposals at `pos` of the snapshot `analysis` of `text` (none in a file `drvls emit` wrote)."""
    parsed = analysis.model if isinstance(analysis.model, ParsedSource) else None
    if parsed is None or parsed.format is None or parsed.generated is not None:
        return iter(())
    lines = split_lines(text)
    if pos.line >= len(lines):
        return iter(())
    return Site(parsed.format, FRONT_MATTER_KEYS.get(parsed.format, {}), lines, pos).items()


@dataclass
class Site:
    """One request in a rule source: its format, the front-matter keys that reads, its lines, the cursor."""

    format: Format
    keys: dict[str, str | dict[str, Activation]]
    lines: list[str]
    pos: Position

    @property
    def before(self) -> str:
        return self.lines[self.pos.line][: self.pos.character]

    def items(self) -> Iterator[CompletionItem]:
        opened = self.lines[0].lstrip("\ufeff").rstrip() == FENCE  # the reader skips a byte-order mark
        if self.keys and opened and self.in_block():
            yield from self.front_matter()
        elif (heading := HEADING_TYPED.match(self.before)) is not None and self.format not in NOT_MARKDOWN:
            yield from self.headings(heading.end())
        elif self.keys and not opened and self.pos.line == 0 and self.before in ("", "-", "--"):
            yield self.block_snippet()

    def front_matter(self) -> Iterator[CompletionItem]:
        before = self.before
        if KEY_TYPED.match(before) or not before:
            yield from self.key_names()
        elif (value := VALUE_TYPED.match(before)) is not None:
            yield from self.values(value.group(1), value.end())
        elif (item := ITEM_TYPED.match(before)) is not None:
            key = self.key_above()
            if key is not None:
                yield from self.values(key, item.end())

    def in_block(self) -> bool:
        """The cursor is between the fences; in a block not closed yet, every line above reads as one."""
        for number in range(1, self.pos.line):
            line = self.lines[number]
            if line.rstrip() in (FENCE, "..."):
                return False
        if self.pos.line == 0 or self.lines[self.pos.line].rstrip() in (FENCE, "..."):
            return False
        if any(line.rstrip() in (FENCE, "...") for line in self.lines[self.pos.line + 1:]):
            return True
        return all(KEY.match(line) or ITEM.match(line) or not line.strip() or line.lstrip().startswith("#")
                   for line in self.lines[1:self.pos.line])

    def block_lines(self) -> Iterator[tuple[int, str]]:
        for number in range(1, len(self.lines)):
            line = self.lines[number]
            if line.rstrip() in (FENCE, "..."):
                return
            yield number, line

    def written(self) -> set[str]:
        """Keys of the block's other lines."""
        return {m.group(1) for number, line in self.block_lines()
                if number != self.pos.line and (m := KEY.match(line)) is not None}

    def key_above(self) -> str | None:
        for number in range(self.pos.line - 1, 0, -1):
            found = KEY.match(self.lines[number])
            if found is not None:
                return found.group(1)
            if not ITEM.match(self.lines[number]):
                return None
        return None

    # -- proposals ---------------------------------------------------------------------------------

    def block_snippet(self) -> CompletionItem:
        body = "\n".join(self.key_insert(key, n) for n, key in enumerate(self.keys, 1))
        here = Range(Position(0, 0), Position(0, len(self.lines[0])))
        return CompletionItem("front matter", ItemKind.SNIPPET, here, f"{FENCE}\n{body}\n{FENCE}\n$0",
                              detail="the keys this rule file's format reads", snippet=True, filter=FENCE)

    def key_insert(self, key: str, number: int) -> str:
        kind = self.keys[key]
        if kind == BOOLEAN:
            return f"{key}: {choice(number, ['false', 'true'])}"
        if isinstance(kind, dict):
            return f"{key}: {choice(number, list(kind))}"
        if kind == GLOBS:
            return f"{key}: ${{{number}:**}}"
        return f"{key}: ${number}"

    def key_names(self) -> Iterator[CompletionItem]:
        line = self.lines[self.pos.line]
        here = word_range(line, self.pos, "_.-")
        renamed = line[here.end.character:].lstrip().startswith(":")  # a key already followed by its value
        written = self.written()
        for n, key in enumerate(self.keys):
            if key not in written:
                insert = key if renamed else self.key_insert(key, 1)
                yield CompletionItem(key, ItemKind.ATTRIBUTE, here, insert, detail="front matter",
                                     documentation=KEY_DOCS.get(key, ""), snippet=not renamed, sort=f"{n:02}")

    def values(self, key: str, start: int) -> Iterator[CompletionItem]:
        kind = self.keys.get(key)
        line = self.lines[self.pos.line]
        if kind == GLOBS:  # one glob of a comma-separated or flow list
            start = max(start, *(line.rfind(c, 0, self.pos.character) + 1 for c in ",["))
        start += len(line[start:self.pos.character]) - len(line[start:self.pos.character].lstrip(" \t\"'"))
        end = self.pos.character
        while end < len(line) and line[end] not in ",]\"' \t":
            end += 1
        here = Range(Position(self.pos.line, start), Position(self.pos.line, end))
        if kind == BOOLEAN:
            for n, word in enumerate(("true", "false")):
                yield CompletionItem(word, ItemKind.VALUE, here, word, sort=f"{n}")
        elif isinstance(kind, dict):
            for n, (word, activation) in enumerate(kind.items()):
                yield CompletionItem(word, ItemKind.VALUE, here, word, detail=ACTIVATION_DOCS[activation], sort=f"{n}")
        elif kind == GLOBS:
            for n, (glob, detail) in enumerate(GLOB_VALUES):
                label = glob.replace("${1:ext}", "ext")
                yield CompletionItem(label, ItemKind.VALUE, here, glob, detail=detail, snippet="$" in glob,
                                     sort=f"{n}")

    def headings(self, start: int) -> Iterator[CompletionItem]:
        """Titles the dialect maps to each kind of rule, one title per kind and category."""
        dialect = BODY_DIALECT.get(self.format, Format.DRIVEN) if self.format in SCOPED_FORMATS else self.format
        table = TABLES.get(dialect, TABLES[Format.DRIVEN])
        line = self.lines[self.pos.line]
        end = max(self.pos.character, len(line.rstrip()))
        here = Range(Position(self.pos.line, start), Position(self.pos.line, end))
        seen: set[tuple[str, Category]] = set()
        for title in TITLES:
            found = classify(title, table)
            if found is None or found in seen:
                continue
            seen.add(found)
            kind, category = found
            detail = (f"standards ({category.name.lower().replace('_', ' ')})" if kind == STANDARDS
                      else KIND_DOCS.get(kind, kind))
            yield CompletionItem(title, ItemKind.KEYWORD, here, title, detail=detail, sort=f"{len(seen):02}")
