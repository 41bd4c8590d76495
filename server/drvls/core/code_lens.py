"""Code lenses as the core gives them: a title over a range, with the places it summarises.

Families compute lenses from their typed model (`microkit/code_lens.py`); `lenses_for` asks every
family module named in `PROVIDERS`, imported lazily, so the core imports no family. Lenses that
need the editor's state (the signature lens of `lsp/features/signing.py`) are added by the face.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from drvls.core.diagnostics import Range
from drvls.core.symbols import Location

if TYPE_CHECKING:
    from drvls.core.languages import Analysis

# Modules exposing `code_lenses(analysis) -> list[CodeLens]` (empty for another family's model).
PROVIDERS = ("drvls.microkit.code_lens",)


@dataclass(frozen=True)
class CodeLens:
    range: Range
    title: str
    # What the title counts (a PD's maps and channel ends), for a face that can reveal them.
    locations: tuple[Location, ...] = ()


def lenses_for(analysis: Analysis) -> list[CodeLens]:
    found: list[CodeLens] = []
    for name in PROVIDERS:
        found.extend(importlib.import_module(name).code_lenses(analysis))
    return sorted(found, key=lambda lens: lens.range.start)
