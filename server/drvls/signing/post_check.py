"""The signing post-check the core engine runs on every analysed file.

Most files are unsigned and no signature is required, so this entry point answers that case with
one `lstat` and without importing the signing code (PyNaCl, the trust store); anything else is
delegated to `file_checks`.
"""

from __future__ import annotations

import os

from drvls.core.languages import AnalysisContext, PostCheckResult, SourceFile

SIG_SUFFIX = ".sig"  # the detached signature's name: `FILE` → `FILE.sig` (see `detached.signature_path`)


def post_check(source: SourceFile, ctx: AnalysisContext) -> PostCheckResult:
    if source.path is None:
        return PostCheckResult([])
    section = ctx.settings.section("signing")
    signature = source.path.with_name(source.path.name + SIG_SUFFIX)
    if not section.get("require_signatures"):
        if section.get("show_state", True) is False:
            return PostCheckResult([])
        if source.path.suffix.lower() != ".drv" and not os.path.lexists(signature):
            return PostCheckResult([], frozenset({signature}))
    from drvls.signing.file_checks import signature_diagnostics

    return signature_diagnostics(source, ctx)
