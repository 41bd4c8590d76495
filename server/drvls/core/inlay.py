"""Inlay hints as the core gives them: text shown after a position, with no protocol types.

Families compute hints from their typed model (`microkit/inlay_hints.py`); `hints_for` asks every
family module named in `PROVIDERS`, imported lazily, so the core imports no family.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from drvls.core.diagnostics import Position, Range

if TYPE_CHECKING:
    from drvls.core.languages import Analysis

# Modules exposing `inlay_hints(analysis, within: Range) -> list[InlayHint]` (empty for another family's model).
PROVIDERS = ("drvls.microkit.inlay_hints",)


class HintKind(Enum):
    """What a hint stands for: a computed value (an end address, a size) or the name of a peer."""

    VALUE = "value"
    NAME = "name"


@dataclass(frozen=True)
class InlayHint:
    position: Position
    label: str
    kind: HintKind
    tooltip: str = ""


def inside(pos: Position, within: Range) -> bool:
    return within.start <= pos <= within.end


def hints_for(analysis: Analysis, within: Range) -> list[InlayHint]:
    """Every family's hints for this analysis inside `within`, in document order."""
    found: list[InlayHint] = []
    for name in PROVIDERS:
        found.extend(importlib.import_module(name).inlay_hints(analysis, within))
    return sorted(found, key=lambda hint: hint.position)
