"""Helpers for the CAmkES tests: write an app to a folder, check a file of it as the CLI does."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from drvls_process import GRAMMAR_BINDING, SERVER_DIR
from prerequisites import corpus_path

# The grammar's Python binding, built in place by `python setup.py build_ext --inplace`
# (an installed drvls has it on the path already).
for _entry in (SERVER_DIR, GRAMMAR_BINDING):
    if str(_entry) not in sys.path:
        sys.path.append(str(_entry))

from drvls.core.config import Settings  # noqa: E402
from drvls.core.diagnostics import Diagnostic, Severity  # noqa: E402
from drvls.core.engine import check_path  # noqa: E402
from drvls.core.languages import AnalysisContext, DiskWorkspace  # noqa: E402


def camkes_corpus() -> Path:
    """The CAmkES corpus folder; skipped when absent (a failure under CI=true)."""
    return corpus_path("camkes")


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def check(folder: Path, name: str, roots: list[Path] | None = None, **camkes: Any) -> list[Diagnostic]:
    """Diagnostics of `folder/name`, with `[camkes]` settings given as keyword arguments."""
    ctx = AnalysisContext(settings=Settings({"camkes": camkes}),
                          workspace=DiskWorkspace(roots if roots is not None else [folder]))
    return check_path(folder / name, ctx).diagnostics


def errors(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == Severity.ERROR]


def messages(diagnostics: list[Diagnostic], code: str | None = None) -> list[str]:
    return [d.message for d in diagnostics if code is None or d.code == code]


def where(diag: Diagnostic) -> tuple[int, int, int, int]:
    """1-based line and column of the start, then of the end, as an editor shows them."""
    r = diag.range
    return (r.start.line + 1, r.start.character + 1, r.end.line + 1, r.end.character + 1)


def only(diagnostics: list[Diagnostic], code: str) -> Diagnostic:
    found = [d for d in diagnostics if d.code == code]
    assert len(found) == 1, [(d.code, d.message) for d in diagnostics]
    return found[0]
