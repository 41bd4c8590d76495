"""Every change drvls can offer for a file: the fixes analyzers attach to diagnostics, plus each
family's text-level actions (a missing element written with the file's own indentation, sorted
imports). The editor shows them as code actions; `drvls check --fix` applies the safe ones.

Families are found through module names, imported only for a file of that family, like the
analyzers and formatters. No LSP types: an action is a `Fix` with a kind and a code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from drvls.core.diagnostics import Diagnostic, Fix
from drvls.core.languages import Analysis, load_function

QUICK_FIX = "quickfix"
ORGANIZE_IMPORTS = "source.organizeImports"

PROVIDERS = {
    ".system": "drvls.microkit.actions:actions",
    ".camkes": "drvls.camkes.import_order:actions",
    ".idl4": "drvls.camkes.import_order:actions",
}


@dataclass(frozen=True)
class Action:
    """One offered change: `code` is the diagnostic's rule code, or the action's name for a source
    action (`organize-imports`), and is what `--fix` counts changes by."""

    code: str
    kind: str
    fix: Fix
    diagnostic: Diagnostic | None = None


Provider = Callable[[str, Analysis], "list[Action]"]


def provider_for(path: PurePath) -> Provider | None:
    target = PROVIDERS.get(path.suffix.lower())
    if target is None:
        return None
    provider: Provider = load_function(target)
    return provider


def actions(path: PurePath | None, text: str, analysis: Analysis) -> list[Action]:
    """The attached fixes of every diagnostic, then the family's own actions, in a stable order."""
    found = [Action(d.code, QUICK_FIX, fix, d) for d in analysis.diagnostics for fix in d.fixes]
    provider = provider_for(path) if path is not None else None
    if provider is not None:
        found.extend(provider(text, analysis))
    return found
