"""Running the core engine for the server, on worker threads, from immutable snapshots.

Everything here is free of event-loop state: it takes a snapshot, settings and a workspace
view and returns an `Outcome` (the analysis plus its diagnostics already in LSP form).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from drvls.core.config import Settings
from drvls.core.diagnostics import Diagnostic
from drvls.core.engine import check_source, check_unread, decode, read_source
from drvls.core.languages import Analysis, AnalysisContext, SourceFile, analyzer_for
from drvls.core.text import LineIndex
from drvls.lsp import convert
from drvls.lsp.documents import BufferWorkspace, Snapshot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """One analysis of one document version, ready to send."""

    version: int | None
    generation: int
    analysis: Analysis
    diagnostics: convert.Prepared  # already the protocol's JSON: converted once per distinct diagnostic
    result_id: str = ""
    dependencies: frozenset[Path] = field(default_factory=frozenset)
    # The text the analysis saw, so positions of later requests are mapped against it.
    text: str = ""
    lines: LineIndex | None = None  # its line index, when the run had one


def analyse_snapshot(
    snap: Snapshot,
    settings: Settings,
    workspace: BufferWorkspace,
    encoding: str,
    docs_url: str | None,
) -> Outcome:
    """Analyse an open buffer's text (incrementally when the snapshot carries a previous analysis).

    A binary format (`.drv`) is read from disk instead: the editor decoded the bytes as text, lossily,
    so its buffer is not the file (a valid file would look damaged)."""
    analyzer = analyzer_for(snap.path) if snap.path is not None else None
    if analyzer is not None and analyzer.binary and snap.path is not None:
        outcome = analyse_file(snap.path, snap.uri, settings, workspace, encoding, docs_url)
        return Outcome(snap.version, snap.generation, outcome.analysis, outcome.diagnostics,
                       dependencies=outcome.dependencies)
    lines = snap.lines if snap.lines is not None and snap.lines.text is snap.text else LineIndex(snap.text)
    source = SourceFile(path=snap.path, data=lines.data, text=snap.text, version=snap.version, uri=snap.uri,
                        lines=lines)
    ctx = AnalysisContext(settings=settings, workspace=workspace, previous=snap.previous, edits=snap.edits,
                          session={"interface": "lsp"})
    analysis = check_source(source, ctx)
    items = _to_lsp(analysis.diagnostics, snap.uri, snap.path, lines, encoding, workspace, docs_url)
    return Outcome(snap.version, snap.generation, analysis, items, dependencies=analysis.dependencies,
                   text=snap.text, lines=lines)


def analyse_file(
    path: Path,
    uri: str,
    settings: Settings,
    workspace: BufferWorkspace,
    encoding: str,
    docs_url: str | None,
) -> Outcome:
    """Analyse a file that is not open, from disk (workspace diagnostics)."""
    ctx = AnalysisContext(settings=settings, workspace=workspace, session={"interface": "lsp"})
    analyzer = analyzer_for(path)
    if analyzer is None:
        return Outcome(None, 0, Analysis([]), convert.Prepared())
    loaded = read_source(path, settings.max_file_size)
    if isinstance(loaded, Diagnostic):
        analysis, text = check_unread(path, loaded, ctx, analyzer), ""
    else:
        text = "" if analyzer.binary else decode(loaded.data)[0]
        analysis = check_source(loaded, ctx, analyzer)
    items = _to_lsp(analysis.diagnostics, uri, path, LineIndex(text), encoding, workspace, docs_url)
    return Outcome(None, 0, analysis, items, dependencies=analysis.dependencies, text=text)


def _to_lsp(
    items: list[Diagnostic],
    uri: str,
    path: Path | None,
    lines: LineIndex,
    encoding: str,
    workspace: BufferWorkspace,
    docs_url: str | None,
) -> convert.Prepared:
    try:
        return convert.diagnostics_json(items, uri, path, lines.text, encoding, workspace.read_text, docs_url, lines)
    except Exception:  # a conversion bug must not lose the whole document's diagnostics silently
        log.exception("cannot convert diagnostics of %s", uri)
        return convert.Prepared()
