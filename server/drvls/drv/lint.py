"""Lint of a rule set: duplicates, vague wording, empty descriptions, incomplete personas, conflicts.

The same checks run on rule-source Markdown (with exact ranges, via `lint_parsed`) and on the rules
decoded from a `.drv` file (`lint_rules`, which has no text positions and names the source line in
the message instead). Unlike upstream, words match at word boundaries ("cleanup" is not "clean")
and each contradicting pair is reported once, on the later rule, pointing at the earlier one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from drvls.core.diagnostics import ZERO_RANGE, Diagnostic, Range, RelatedLocation
from drvls.core.engine import make
from drvls.drv import codes
from drvls.drv.model import Persona, Rule, RuleSet, SourceRef, Standard
from drvls.drv.sources.parsed import ParsedSource, RuleSite

VAGUE_WORDS = re.compile(r"\b(good|proper|appropriate|nice|clean|better)\b", re.IGNORECASE)
VAGUE_MAX_LENGTH = 30  # upstream's threshold: longer rules usually say what they mean
OPPOSITES: tuple[tuple[str, re.Pattern[str], str, re.Pattern[str]], ...] = (
    ("always", re.compile(r"\balways\b", re.I), "never", re.compile(r"\bnever\b", re.I)),
    ("must", re.compile(r"\bmust\b(?!\s+not\b)", re.I), "must not",
     re.compile(r"\bmust\s+not\b|\bmustn['’]t\b", re.I)),
    ("require", re.compile(r"\brequire[sd]?\b", re.I), "avoid", re.compile(r"\bavoid(?:s|ed)?\b", re.I)),
)
TRIGGERS = {"always", "never", "require", "requires", "required", "avoid", "avoids", "avoided"}
TOPIC_WORD = re.compile(r"[^\W_][\w'-]*[^\W_]|[^\W_]")
MIN_SHARED_WORDS = 2
COMMON_WORD_LIMIT = 50  # rules sharing a word: beyond this it is not a topic word
FUNCTIONS = re.compile(r"\bfunctions?\b", re.I)
SNAKE = re.compile(r"snake_case", re.I)
CAMEL = re.compile(r"\bcamel\s?case\b", re.I)


@dataclass(frozen=True)
class Located:
    """A rule with where diagnostics about it go (a Markdown site, or nothing for a `.drv` file)."""

    index: int
    rule: Rule
    site: RuleSite | None


@dataclass(frozen=True)
class Target:
    """Where diagnostics are written: the file's path for related locations (None for `.drv`)."""

    path: str | None
    has_text: bool


def lint_rules(ruleset: RuleSet) -> list[Diagnostic]:
    """Lint decoded `.drv` rules: diagnostics at the file start, naming each rule's source line."""
    located = [Located(i, rule, None) for i, rule in enumerate(ruleset.rules)]
    return run(located, Target(path=None, has_text=False))


def lint_parsed(parsed: ParsedSource, path: str | None) -> list[Diagnostic]:
    """Lint the rules of a parsed source with ranges in that source."""
    located = [Located(i, rule, site) for i, (rule, site) in enumerate(zip(parsed.rules, parsed.sites, strict=True))]
    return run(located, Target(path=path, has_text=True))


def run(located: Sequence[Located], target: Target) -> list[Diagnostic]:
    standards = [item for item in located if isinstance(item.rule, Standard)]
    found: list[Diagnostic] = []
    for item in located:
        if isinstance(item.rule, Persona):
            found.extend(persona_problems(item))
    for item in standards:
        found.extend(standard_problems(item))
    found.extend(duplicates(standards, target))
    found.extend(contradictions(standards, target))
    found.extend(naming_conflicts(standards, target))
    return found


def where(item: Located) -> str:
    """For `.drv` messages: the rule's source position, or its number in the file."""
    src: SourceRef = item.rule.source
    if src.file is not None and src.line is not None:
        return f" ({src.file}:{src.line})"
    if src.file is not None:
        return f" ({src.file}, rule {item.index + 1})"
    return f" (rule {item.index + 1})"


def anchor(item: Located) -> Range:
    return item.site.anchor if item.site is not None else ZERO_RANGE


def suffix(item: Located) -> str:
    return "" if item.site is not None else where(item)


def describe(item: Located) -> str:
    """How a message names another rule: by line in a source, else by source position."""
    if item.site is not None:
        return f"line {item.site.anchor.start.line + 1}"
    return where(item).strip(" ()")


def related(other: Located, target: Target, message: str) -> tuple[RelatedLocation, ...]:
    """A pointer at the other rule; a `.drv` file has no text to point into (the message names it)."""
    if not target.has_text:
        return ()
    return (RelatedLocation(path=target.path, range=anchor(other), message=message),)


def persona_problems(item: Located) -> list[Diagnostic]:
    persona = item.rule
    assert isinstance(persona, Persona)
    missing = [field for field in ("name", "role") if not getattr(persona, field).strip()]
    if not missing:
        return []
    return [make(codes.PERSONA_INCOMPLETE, f"persona has no {' and no '.join(missing)}{suffix(item)}",
                 anchor(item))]


def standard_problems(item: Located) -> list[Diagnostic]:
    rule = item.rule
    assert isinstance(rule, Standard)
    text = rule.description
    if not text.strip():
        return [make(codes.EMPTY_DESCRIPTION, f"rule has an empty description{suffix(item)}", anchor(item))]
    if len(text) >= VAGUE_MAX_LENGTH:
        return []
    match = VAGUE_WORDS.search(text)
    if match is None:
        return []
    range_ = anchor(item)
    if item.site is not None and item.site.segments:
        range_ = item.site.locate(match.start(), len(match.group(0)))
    return [make(codes.VAGUE, f"rule may be too vague: {match.group(0)!r} says little on its own; "
                              f"say what to do{suffix(item)}", range_)]


def normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def duplicates(standards: Sequence[Located], target: Target) -> list[Diagnostic]:
    first: dict[str, Located] = {}
    found = []
    for item in standards:
        assert isinstance(item.rule, Standard)
        key = normalised(item.rule.description)
        if not key:
            continue
        earlier = first.setdefault(key, item)
        if earlier is not item:
            found.append(make(codes.DUPLICATE,
                              f"duplicate rule: the same as the rule at {describe(earlier)}{suffix(item)}",
                              anchor(item), related=related(earlier, target, "first written here")))
    return found


def topic_words(text: str) -> frozenset[str]:
    words = {w.casefold() for w in TOPIC_WORD.findall(text)}
    return frozenset(w for w in words if len(w) > 4 and w not in TRIGGERS)


def sides(text: str) -> tuple[set[int], set[int]]:
    """Which opposite pairs the text takes the first side of, and which the second."""
    first = {n for n, (_a, pa, _b, _pb) in enumerate(OPPOSITES) if pa.search(text)}
    second = {n for n, (_a, _pa, _b, pb) in enumerate(OPPOSITES) if pb.search(text)}
    return first, second


def contradictions(standards: Sequence[Located], target: Target) -> list[Diagnostic]:
    """Pairs saying opposite things about the same topic (≥ 2 shared words over 4 letters), once each.

    A word used by more than `COMMON_WORD_LIMIT` of the rules says nothing about their topic and is
    ignored, which also keeps the check near-linear on huge rule sets.
    """
    flagged = []
    frequency: dict[str, int] = defaultdict(int)
    for item in standards:
        assert isinstance(item.rule, Standard)
        first, second = sides(item.rule.description)
        if first or second:
            words = topic_words(item.rule.description)
            flagged.append((item, first, second, words))
            for word in words:
                frequency[word] += 1
    index: dict[str, list[int]] = defaultdict(list)
    found = []
    for position, (item, first, second, words) in enumerate(flagged):
        topical = [w for w in words if frequency[w] <= COMMON_WORD_LIMIT]
        shared: dict[int, int] = defaultdict(int)
        for word in topical:
            for earlier in index[word]:
                shared[earlier] += 1
            index[word].append(position)
        for earlier_pos in sorted(p for p, count in shared.items() if count >= MIN_SHARED_WORDS):
            other, o_first, o_second, _ = flagged[earlier_pos]
            assert isinstance(other.rule, Standard) and isinstance(item.rule, Standard)
            if normalised(other.rule.description) == normalised(item.rule.description):
                continue
            pairs = sorted((o_first & second) | (o_second & first))
            if not pairs:
                continue
            a, _pa, b, _pb = OPPOSITES[pairs[0]]
            found.append(make(codes.CONTRADICTION,
                              f"contradicts the rule at {describe(other)} ({a!r} against {b!r} about the "
                              f"same thing){suffix(item)}",
                              anchor(item), related=related(other, target, "the contradicting rule")))
    return found


def naming_conflicts(standards: Sequence[Located], target: Target) -> list[Diagnostic]:
    """A rule asking for snake_case functions after one asking for camelCase (or the reverse).

    Each such rule is reported once, against the first rule of the other style.
    """
    first_of: dict[str, Located] = {}
    found = []
    for item in standards:
        assert isinstance(item.rule, Standard)
        text = item.rule.description
        if not FUNCTIONS.search(text):
            continue
        styles = [name for name, pattern in (("snake_case", SNAKE), ("camelCase", CAMEL)) if pattern.search(text)]
        if len(styles) != 1:
            continue
        style = styles[0]
        other_style = "camelCase" if style == "snake_case" else "snake_case"
        other = first_of.get(other_style)
        if other is not None:
            found.append(make(codes.NAMING_CONFLICT,
                              f"asks for {style} function names, but the rule at {describe(other)} "
                              f"asks for {other_style}{suffix(item)}",
                              anchor(item), related=related(other, target, f"asks for {other_style}")))
        first_of.setdefault(style, item)
    return found
