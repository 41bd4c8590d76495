"""The signing post-check the core engine runs on every analysed file.

Most files are unsigned and no signature is required, so that case is answered with one `lstat`
and without importing the signing code (PyNaCl, the trust store) from `file_checks`. The result
depends on `FILE.sig` whether or not it exists yet, so an editor re-checks the file when its
`.sig` is written, replaced or removed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from drvls.core import logs
from drvls.core.languages import AnalysisContext, PostCheckResult, SourceFile

log = logs.Logger(__name__)
SIG_SUFFIX = ".sig"  # the detached signature of `FILE` is `FILE.sig`


def post_check(source: SourceFile, ctx: AnalysisContext) -> PostCheckResult:
    if source.path is None:
        return PostCheckResult([])
    section = ctx.settings.section("signing")
    signature = source.path.with_name(source.path.name + SIG_SUFFIX)
    depends = frozenset({signature})
    if section.get("require_signatures"):
        return _required(source, ctx, section, depends)
    if section.get("show_state", True) is False or source.unread is not None:
        return PostCheckResult([])
    if source.path.suffix.lower() != ".drv" and not os.path.lexists(signature):
        return PostCheckResult([], depends)
    from drvls.signing.file_checks import state

    return PostCheckResult(state(source), depends)


def _required(source: SourceFile, ctx: AnalysisContext, section: dict[str, Any],
              depends: frozenset[Path]) -> PostCheckResult:
    """Enforced: neither an inline `drvls: ignore` in the file nor the repository's select/ignore may
    excuse a file from the signature requirement (a file cannot vouch for itself), and a verdict that
    cannot be reached (an unreadable file, a check that fails) is itself a finding."""
    from drvls.core.engine import make
    from drvls.signing import codes

    if source.unread is not None:
        return PostCheckResult([make(codes.UNDECIDED, f"signature not checked: {source.unread}")], depends,
                               enforced=True)
    try:
        from drvls.signing.file_checks import required, trust_dependencies

        return PostCheckResult(required(source, ctx, section), depends | trust_dependencies(ctx.settings),
                               enforced=True)
    except Exception as exc:  # any failure to decide must fail the run, never read as "clean"
        log.exception("signature check failed on %s", source.path)
        return PostCheckResult([make(codes.UNDECIDED,
                                     f"signature could not be checked: {type(exc).__name__}: {exc}")],
                               depends, enforced=True)
