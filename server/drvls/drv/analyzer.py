"""The `.drv` analyzer: structure and digest through the native decoder, then rule lint.

A `.drv` file has no text lines, so every diagnostic sits at line 0, column 0 and names the
byte offset in its message ("at byte 0x1c: …").
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from drvls.core.diagnostics import Diagnostic
from drvls.core.engine import make
from drvls.core.languages import Analysis, AnalysisContext, SourceFile
from drvls.drv import codes_binary
from drvls.drv.model import RuleSet

if TYPE_CHECKING:  # the reader loads the C extension: only when a .drv file is analysed
    from drvls.drv.reader import DrvError, DrvFile

LintFunction = Callable[[RuleSet], list[Diagnostic]]


def structural(error: DrvError) -> Diagnostic:
    return make(codes_binary.for_status(error.code), str(error))


def _lint_function() -> LintFunction | None:
    """`drvls.drv.lint.lint_rules` when the rule lint is part of this build."""
    try:
        module = importlib.import_module("drvls.drv.lint")
    except ModuleNotFoundError as exc:
        if exc.name and "drvls.drv.lint".startswith(exc.name):
            return None
        raise
    found: LintFunction | None = getattr(module, "lint_rules", None)
    return found


def v1_checksum_problem(data: bytes) -> Diagnostic | None:
    """A v1 file's checksum, which upstream checks before the structure (so it is checked even when
    the structure is broken)."""
    from drvls.drv.reader import v1_checksum_error

    with memoryview(data) as view:
        error = v1_checksum_error(view)
    return None if error is None else structural(error)


def _check_open(drv: DrvFile) -> list[Diagnostic]:
    from drvls.drv.reader import digest_error

    found: list[Diagnostic] = []
    if drv.version == 1:
        found.append(make(codes_binary.VERSION_1,
                          "version 1 (upstream) file: it has only a 4-byte checksum and may have lost rules "
                          "when it was written; recompile its sources to version 2"))
        if drv.section_count != drv.v1_sections:
            found.append(make(codes_binary.V1_SECTION_COUNT,
                              f"at byte 0x8: the header says {drv.section_count} sections but the file has "
                              f"{drv.v1_sections} (the string table and {drv.v1_sections - 1} more): the header "
                              "was changed after the file was written (its checksum covers only the body)"))
    elif not drv.digest_ok():
        found.append(structural(digest_error(2, drv.stored_digest(), drv.digest())))
    return found


def _targets_drift(source: SourceFile, ctx: AnalysisContext) -> tuple[list[Diagnostic], frozenset[Path]]:
    """`RUL014` when `[rules] targets` names targets whose generated files are out of date."""
    rules = ctx.settings.section("rules")
    targets = rules.get("targets")
    if source.path is None or not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
        return [], frozenset()
    from drvls.drv.emit.drift import targets_drift

    output = rules.get("output")
    path = Path(source.path)
    root = ctx.settings.relative_to_config(output) if isinstance(output, str) else path.parent
    return targets_drift(path, source.data, targets, root)


class DrvAnalyzer:
    name = "drv"
    binary = True

    def handles(self, path: PurePath) -> bool:
        return path.suffix.lower() == ".drv"

    def analyze(self, source: SourceFile, ctx: AnalysisContext) -> Analysis:
        from drvls.drv.reader import DrvError, native_available, open_bytes

        if not native_available():
            return Analysis([make(codes_binary.NATIVE_MISSING,
                                  "the native .drv decoder is not built here (reinstall drvls with its C "
                                  "extension); this file was not checked")])
        diagnostics: list[Diagnostic] = []
        checksum = v1_checksum_problem(source.data)
        if checksum is not None:
            diagnostics.append(checksum)
        try:
            drv = open_bytes(source.data)
        except DrvError as error:
            diagnostics.append(structural(error))
            return Analysis(diagnostics)
        with drv:
            diagnostics.extend(_check_open(drv))
            ruleset = drv.ruleset()
        lint = _lint_function()
        if lint is not None:
            diagnostics.extend(lint(ruleset))
        drift, depends = _targets_drift(source, ctx)
        diagnostics.extend(drift)
        return Analysis(diagnostics, state=ruleset, dependencies=depends)


ANALYZER = DrvAnalyzer()
