"""Completion in core types: what each family proposes at a cursor, with no protocol types.

A family's completer reads the immutable snapshot it already built (model, symbol index, target)
plus the snapshot's text around the cursor, so a proposal never needs a second analysis. The LSP
layer converts items; `insert` may be a snippet in the TextMate/VS Code syntax (`${1:default}`,
`${1|a,b|}`, `$0`), which `plain_text` turns into the text a client without snippets inserts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import PurePath
from typing import Any

from drvls.core.diagnostics import Position, Range
from drvls.core.languages import analyzer_for, load_function
from drvls.core.query import fuzzy_score


class ItemKind(Enum):
    """What a proposal is, for the editor's icon and for sorting."""

    KEYWORD = "keyword"
    ELEMENT = "element"  # an XML element (or a CAmkES block)
    ATTRIBUTE = "attribute"
    VALUE = "value"  # a literal value: a boolean, perms, a page size, a number
    REFERENCE = "reference"  # the name of something defined elsewhere (a region, a PD, an instance)
    TYPE = "type"  # a declared type (component, procedure, connector)
    INTERFACE = "interface"
    SNIPPET = "snippet"  # a whole construct


@dataclass(frozen=True)
class TextChange:
    """Replace `range` of the file with `text` (plain text, never a snippet)."""

    range: Range
    text: str


@dataclass(frozen=True)
class CompletionItem:
    """One proposal: `insert` (a snippet when `snippet`) replaces `replace`; `extra` edits elsewhere."""

    label: str
    kind: ItemKind
    replace: Range
    insert: str
    detail: str = ""
    documentation: str = ""
    snippet: bool = False
    extra: tuple[TextChange, ...] = ()
    sort: str = ""  # sorts before the label; lower first
    preselect: bool = False
    filter: str = ""  # what the editor matches typed text against; the label when empty

    @property
    def plain(self) -> str:
        return plain_text(self.insert) if self.snippet else self.insert


_CHOICE = re.compile(r"(?<!\\)\$\{\d+\|((?:[^|\\]|\\.)*)\|\}")
_PLACEHOLDER = re.compile(r"(?<!\\)\$\{\d+:([^{}]*)\}")
_TABSTOP = re.compile(r"(?<!\\)(?:\$\{\d+\}|\$\d+)")
_ESCAPED = re.compile(r"\\([$}\\,|])")


def plain_text(snippet: str) -> str:
    """A snippet's text with each placeholder's default (a choice's first value) and no tab stops."""
    text = _CHOICE.sub(lambda m: re.split(r"(?<!\\),", m.group(1))[0], snippet)
    previous = None
    while previous != text:  # nested placeholders, innermost first
        previous, text = text, _PLACEHOLDER.sub(lambda m: m.group(1), text)
    return _ESCAPED.sub(lambda m: m.group(1), _TABSTOP.sub("", text))


def escape(text: str) -> str:
    """Literal text inside a snippet."""
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")


CHOICES = 12  # more values than this make a bare tab stop: the value completion lists them, filtered


def choice(number: int, values: list[str] | tuple[str, ...]) -> str:
    """A snippet choice placeholder `${n|a,b|}` (a placeholder with the default when there is one value)."""
    cleaned = [v.replace(",", "\\,").replace("|", "\\|") for v in values if v]
    if not cleaned or len(cleaned) > CHOICES:
        return f"${{{number}}}"
    if len(cleaned) == 1:
        return f"${{{number}:{escape(values[0])}}}"
    return f"${{{number}|{','.join(cleaned)}|}}"


def word_range(line: str, pos: Position, chars: str = "_") -> Range:
    """The identifier (letters, digits, `chars`) around `pos` on its line: what a proposal replaces."""
    start = pos.character
    while start > 0 and (line[start - 1].isalnum() or line[start - 1] in chars):
        start -= 1
    end = pos.character
    while end < len(line) and (line[end].isalnum() or line[end] in chars):
        end += 1
    return Range(Position(pos.line, start), Position(pos.line, end))


# -- what a request answers -----------------------------------------------------------------------

LIMIT = 50  # items per answer; past it the answer is marked incomplete and the editor asks again as one types


def select(items: Iterable[CompletionItem], line: str, pos: Position, limit: int = LIMIT
           ) -> tuple[list[CompletionItem], bool]:
    """The `limit` items that best match what is typed before `pos` on `line` (fuzzily, as workspace
    symbols), in the family's order among equals; True when some were left out. With nothing typed
    the family's first items are the answer, so the rest are never made."""
    scored: list[tuple[int, int, CompletionItem]] = []
    typed_any = False
    for n, item in enumerate(items):
        start = item.replace.start.character if item.replace.start.line == pos.line else pos.character
        typed = line[start:pos.character]
        typed_any = typed_any or bool(typed)
        score = fuzzy_score(typed, (item.filter or item.label).lstrip("<\"'"))
        if score is not None:
            scored.append((-score, n, item))
        if not typed_any and len(scored) > limit:
            break
    if len(scored) <= limit:
        return [item for _, _, item in scored], False
    scored.sort(key=lambda entry: entry[:2])
    return [item for _, _, item in scored[:limit]], True


# -- which family completes a file -----------------------------------------------------------------

Completer = Callable[[Any, str, Position], Iterable[CompletionItem]]

# Analyzer name → the family's `complete(analysis, text, position)` (`text`: the snapshot's), as
# `module:function`, imported on first use: core imports no family.
COMPLETERS: dict[str, str] = {
    "microkit": "drvls.microkit.completion:complete",
    "camkes": "drvls.camkes.completion:complete",
    "rules": "drvls.drv.completion:complete",
}


def completer_for(path: PurePath | None) -> Completer | None:
    """The completion function of the family whose analyzer handles `path`, or None when it has none."""
    analyzer = analyzer_for(path) if path is not None else None
    target = COMPLETERS.get(analyzer.name) if analyzer is not None else None
    if target is None:
        return None
    complete: Completer = load_function(target)
    return complete
