"""`compile` over generated files: each source's rules are taken once, from all its files together.

Files written by `drvls emit` carry every rule with its index in the source (`n=`), so the files of
one target, or of several, are put back together in source order. They must agree: one digest per
source, one text per index, one source list; anything else is an error (`RUL015`) at the file that
disagrees, because `compile` cannot know which one is right.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from drvls.core.diagnostics import Diagnostic, Position, Range
from drvls.core.engine import make
from drvls.drv import codes
from drvls.drv.emit.targets import AIDER_CONFIG
from drvls.drv.model import Rule
from drvls.drv.sources.parsed import ParsedSource


@dataclass
class Merged:
    rules: list[Rule] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    problems: list[tuple[str, Diagnostic]] = field(default_factory=list)


def disagree(label: str, parsed: ParsedSource, message: str) -> tuple[str, Diagnostic]:
    line = parsed.generated.line if parsed.generated is not None else 0
    pos = Position(line, 0)
    return label, make(codes.GENERATED_DISAGREE, message, Range(pos, pos))


def merge_generated(files: Sequence[tuple[str, ParsedSource]]) -> Merged:
    """The rule set of one source, from its generated files (all with the same `source`)."""
    merged = Merged()
    first_label, first = files[0]
    assert first.generated is not None
    by_index: dict[int, tuple[Rule, str]] = {}
    sources: list[str] | None = None
    for label, parsed in files:
        header = parsed.generated
        assert header is not None
        if header.digest != first.generated.digest:
            merged.problems.append(disagree(label, parsed, (
                f"generated from {header.source} with digest {header.digest[:16]}, but {first_label} was generated "
                f"from digest {first.generated.digest[:16]}: regenerate both with `drvls emit`")))
            continue
        if header.path == AIDER_CONFIG:
            continue  # carries no rules
        if sources is None:
            sources = parsed.sources
        elif parsed.sources != sources:
            merged.problems.append(disagree(label, parsed, f"lists the sources {parsed.sources}, but {first_label} "
                                            f"lists {sources}"))
        for rule, index in zip(parsed.rules, parsed.positions, strict=True):
            if index is None:
                merged.problems.append(disagree(label, parsed, "a rule block without its index (`n=`)"))
                continue
            seen = by_index.setdefault(index, (rule, label))
            if seen[0] != rule:
                merged.problems.append(disagree(label, parsed, (
                    f"rule {index} of {header.source} differs from the same rule in {seen[1]}")))
    merged.rules = [by_index[i][0] for i in sorted(by_index)]
    merged.sources = list(sources or [])
    return merged
