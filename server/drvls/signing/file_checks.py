"""Signature diagnostics for one file (the work behind `post_check`, imported only when needed).

With `signing.require_signatures` (CI: `drvls check --require-signatures --trusted-keys K`)
every file without a valid signature from a key trusted outside the repository is reported.
Otherwise, when `signing.show_state` is on (the default), a file that *has* a signature gets an
information diagnostic once it no longer matches.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from drvls.core.config import Settings
from drvls.core.diagnostics import ZERO_RANGE, Diagnostic, Range, Severity
from drvls.core.engine import make
from drvls.core.languages import AnalysisContext, SourceFile
from drvls.signing import codes, detached, drv_embedded
from drvls.signing.evidence import Evidence, Kind, Status
from drvls.signing.trust import load_store, sources_from_settings
from drvls.signing.verify import Verdict, evidence_for, judge

_REPORTED_KEY = "signing.trust_problems_reported"


def first_line_range(source: SourceFile) -> Range:
    """The first line of a text file (where editors show the state), the start of a binary one."""
    if not source.text:
        return ZERO_RANGE
    first = source.text.split("\n", 1)[0].rstrip("\r")
    return Range.at(0, 0, 0, len(first))


def buffer_bytes(source: SourceFile) -> bytes:
    """The bytes the signature is checked against: a text file's BOM, dropped by editors, is put back."""
    assert source.path is not None
    if drv_embedded.applies(source.path, source.data):
        return source.data
    return detached.with_disk_bom(source.path, source.data)


def _has_signature(source: SourceFile) -> bool:
    """Cheap: an embedded slot that is non-zero, or a `.sig` next to the file."""
    assert source.path is not None
    if drv_embedded.applies(source.path, source.data) and drv_embedded.has_signature(source.data):
        return True
    return os.path.lexists(detached.signature_path(source.path))


def state(source: SourceFile) -> list[Diagnostic]:
    """Editor feedback for signed files: edited since signing, broken, or upstream's legacy signature."""
    if not _has_signature(source):
        return []
    assert source.path is not None
    evidence = evidence_for(source.path, buffer_bytes(source))
    where = first_line_range(source)
    key = ""
    if evidence.key_id:
        key = f" by key {evidence.key_id}" if evidence.key_verified else f", which claims key {evidence.key_id}"
    if evidence.status is Status.STALE:
        return [make(codes.EDITED, f"signature no longer matches (edited since signing{key})", where)]
    if evidence.status is Status.LEGACY:
        return [make(codes.LEGACY, f"insecure legacy signature: {evidence.reason}", where)]
    if evidence.status is Status.INVALID and evidence.kind is not Kind.NONE:
        diag = make(codes.INVALID, f"signature is invalid: {evidence.reason}", where)
        return [replace(diag, severity=Severity.WARNING)]
    return []


def _trust_problems(ctx: AnalysisContext, problems: list[str]) -> list[Diagnostic]:
    """Unusable trusted-key sources, reported once per run (the CLI shares `ctx.session`)."""
    reported: set[str] = ctx.session.setdefault(_REPORTED_KEY, set())
    fresh = [p for p in problems if p not in reported]
    reported.update(fresh)
    return [make(codes.TRUST_CONFIG, problem) for problem in fresh]


def trust_dependencies(settings: Settings) -> frozenset[Path]:
    """The trusted-key files and folders a required-mode verdict rests on (the store is cached)."""
    sources = sources_from_settings(settings)
    store = load_store(sources)
    folders = [*sources.cli, *sources.repository, *([sources.user_store] if sources.user_store else [])]
    return frozenset(folders) | {trusted.location for trusted in store.keys.values()}


def required(source: SourceFile, ctx: AnalysisContext, section: dict[str, Any]) -> list[Diagnostic]:
    """Every file must carry a valid signature from a key trusted outside the repository."""
    assert source.path is not None
    store = load_store(sources_from_settings(ctx.settings))
    out = _trust_problems(ctx, store.problems)
    evidence: Evidence = evidence_for(source.path, buffer_bytes(source))
    diag = diagnostic_for(judge(source.path, evidence, store), first_line_range(source))
    if diag is not None:
        out.append(diag)
    return out


def diagnostic_for(verdict: Verdict, where: Range) -> Diagnostic | None:
    """The required-mode diagnostic for a verdict; None when it passes."""
    key = ""
    if verdict.key_id:
        key = f" (key {verdict.key_id})" if verdict.key_verified else f" (claimed key {verdict.key_id}, unproven)"
    status = verdict.status
    if status is Status.VALID:
        if verdict.repository_only and verdict.trusted_by is not None:
            return make(codes.REPOSITORY_ONLY,
                        f"signed by key {verdict.key_id}, which only the repository itself trusts "
                        f"({verdict.trusted_by.location}); pass --trusted-keys from a protected location", where)
        return None
    if status is Status.MISSING:
        return make(codes.MISSING, "file is not signed, and signatures are required", where)
    if status is Status.UNTRUSTED:
        return make(codes.UNTRUSTED, f"signed by key {verdict.key_id}, which is not trusted", where)
    if status is Status.STALE:
        return make(codes.STALE, f"file changed after it was signed{key}; re-sign it", where)
    if status is Status.LEGACY:
        diag = make(codes.LEGACY, f"only an insecure legacy signature: {verdict.reason}", where)
        return replace(diag, severity=Severity.ERROR)
    return make(codes.INVALID, f"signature is invalid{key}: {verdict.reason}", where)
