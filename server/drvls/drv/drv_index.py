"""The symbol index of a compiled `.drv`: each rule leads back to the source line it was compiled from.

A `.drv` has no text, so its own spans sit at line 0, column 0: one reference per rule (so finding
the references of a rule in its Markdown source also finds the `.drv` that holds it) and one
document link per recorded source file. The definitions are in the source files, at the recorded
line, resolved beside the `.drv` as `compile` records paths relative to where it ran. The outline
lists the rules by source file, all at the `.drv`'s only position.
"""

from __future__ import annotations

from pathlib import Path

from drvls.core.diagnostics import ZERO_RANGE, Position, Range
from drvls.core.symbols import Link, OutlineNode, Reference, Symbol, SymbolIndex, SymbolKind
from drvls.drv.model import RuleSet
from drvls.drv.sources.index import rule_key, rule_label


def source_path(drv: Path | None, file: str) -> Path | None:
    """Where a recorded source file is, seen from the `.drv` (None when the `.drv` has no path)."""
    if drv is None:
        return None
    candidate = Path(file)
    return candidate if candidate.is_absolute() else drv.parent / candidate


def build_drv_index(ruleset: RuleSet, path: Path | None) -> SymbolIndex:
    definitions: list[Symbol] = []
    references: list[Reference] = []
    outline: dict[str, list[OutlineNode]] = {}
    for rule in ruleset.rules:
        file, line = rule.source.file, rule.source.line
        if not file:
            continue
        key = rule_key(file, line)
        label = rule_label(rule)
        at = Position(max((line or 1) - 1, 0), 0)
        definitions.append(Symbol(key, label, SymbolKind.RULE, Range(at, at), Range(at, at),
                                  source_path(path, file), detail=rule.kind.name.lower()))
        references.append(Reference(key, label, ZERO_RANGE, path, SymbolKind.RULE))
        outline.setdefault(file, []).append(OutlineNode(Symbol(
            key, label, SymbolKind.RULE, ZERO_RANGE, ZERO_RANGE, path, detail=rule.kind.name.lower())))
    links = [Link(ZERO_RANGE, target) for target in (source_path(path, f) for f in ruleset.sources)
             if target is not None]
    files = tuple(OutlineNode(Symbol(f"rules:file:{file}", file, SymbolKind.FILE, ZERO_RANGE, ZERO_RANGE, path,
                                     detail="source"), tuple(nodes)) for file, nodes in outline.items())
    return SymbolIndex(path=path, definitions=tuple(definitions), references=tuple(references), outline=files,
                       links=tuple(links))
