"""From a file to its view model, through the same analysis `drvls check` runs."""

from __future__ import annotations

from pathlib import Path

from drvls.core.diagnostics import Severity
from drvls.core.engine import check_source
from drvls.core.languages import Analysis, AnalysisContext, SourceFile
from drvls.views.model import SystemView

SYSTEM_SUFFIXES = (".system", ".camkes")


class ViewError(Exception):
    """The file cannot be drawn (not a system description, or too broken to have a model)."""


def view_of(source: SourceFile, ctx: AnalysisContext) -> SystemView:
    """The view of a `.system` or `.camkes` file; ViewError, naming the first error, when it has no model."""
    path = source.path
    name = path.name if path is not None else (source.uri or "<input>")
    if path is None or path.suffix not in SYSTEM_SUFFIXES:
        raise ViewError(f"{name}: only .system and .camkes files can be drawn")
    analysis = check_source(source, ctx)
    return from_analysis(analysis, source, ctx, name)


def from_analysis(analysis: Analysis, source: SourceFile, ctx: AnalysisContext, name: str) -> SystemView:
    model = analysis.model
    if getattr(model, "recovered", False) and not (model.pds or model.mrs or model.channels):
        model = None  # a file with syntax errors and no complete element: say why instead of an empty page
    path = str(source.path) if source.path is not None else None
    if source.path is not None and source.path.suffix == ".system" and model is not None:
        from drvls.microkit.target import resolve
        from drvls.views import microkit_view

        target, _problems = resolve(ctx.settings, source.path)
        return microkit_view.build(model, target, source.text, name, path)
    if source.path is not None and source.path.suffix == ".camkes" and model is not None:
        from drvls.views import camkes_view

        return camkes_view.build(model, name)
    raise ViewError(f"{name}: cannot be drawn: {_why(analysis, source.path)}")


def _why(analysis: Analysis, path: Path | None) -> str:
    errors = [d for d in analysis.diagnostics if d.severity >= Severity.ERROR]
    if errors:
        first = errors[0]
        return f"line {first.range.start.line + 1}: {first.message}"
    if path is not None and path.suffix == ".camkes":
        return "it has no assembly (a library file: open the app that imports it)"
    return "it has no system model"
