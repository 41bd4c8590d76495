"""Running one analyzer on one file: size cap, decoding, crash containment, suppression.

Both faces call `check_source`/`check_path`, so a file gives the same diagnostics in the
editor and in CI.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from drvls.core import codes, logs
from drvls.core.diagnostics import ZERO_RANGE, Diagnostic, Range
from drvls.core.languages import (
    Analysis,
    AnalysisContext,
    Analyzer,
    BudgetExceeded,
    SourceFile,
    analyzer_for,
    consistent_one,
    post_checks,
)
from drvls.core.parsing import Budget, budget
from drvls.core.reading import ReadProblem, read_bounded
from drvls.core.rules import RuleInfo, matches
from drvls.core.text import LineIndex, split_lines

log = logs.Logger(__name__)

SUPPRESSION = re.compile(r"drvls:\s*ignore(?:\[([A-Za-z0-9_,\s]*)\])?")


def make(rule: RuleInfo, message: str, range_: Range = ZERO_RANGE, **kwargs: object) -> Diagnostic:
    """A diagnostic with the rule's code and default severity."""
    return Diagnostic(code=rule.code, severity=rule.severity, message=message, range=range_, **kwargs)  # type: ignore[arg-type]


def decode(data: bytes) -> tuple[str, list[Diagnostic]]:
    """Text for analysis plus diagnostics for bytes that are not UTF-8 text."""
    problems: list[Diagnostic] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", "replace")
        pos = LineIndex(data[: exc.start].decode("utf-8", "replace")).end()
        problems.append(make(codes.INVALID_UTF8,
                             f"invalid UTF-8 at byte {exc.start} (0x{data[exc.start]:02x}); "
                             "bad bytes are shown as U+FFFD",
                             Range(pos, pos)))
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, problems


def first_nul(data: bytes) -> int:
    return data.find(b"\x00")


def too_large(size: int | None, limit: int) -> Diagnostic:
    """The one diagnostic a file over the size cap gets (`size` None: only known to be over it)."""
    what = f"file is {size} bytes, over" if size is not None else "file is over"
    return make(codes.FILE_TOO_LARGE, f"{what} the {limit}-byte limit (max-file-size); not analysed")


def read_source(path: Path, max_size: int) -> SourceFile | Diagnostic:
    """The file's bytes, or one diagnostic when it is too large or cannot be read (never blocks)."""
    data = read_bounded(path, max_size)
    if isinstance(data, ReadProblem):
        if data.kind == "too-large":
            return too_large(data.size, max_size)
        return make(codes.UNREADABLE, f"cannot read file: {data.reason}")
    return SourceFile(path=path, data=data, text="")


def check_source(source: SourceFile, ctx: AnalysisContext, analyzer: Analyzer | None = None) -> Analysis:
    """Analyse one file; never raises for any input. Post-checks (signatures) run on every file,
    including one rejected for its size or a NUL byte, or one that could not be read."""
    analyzer = analyzer or (analyzer_for(source.path) if source.path else None)
    if analyzer is None:
        return Analysis(diagnostics=[])
    if ctx.deadline is None and ctx.settings.analysis_timeout is not None:
        ctx = replace(ctx, deadline=time.monotonic() + ctx.settings.analysis_timeout)
    if source.unread is not None:
        return _with_post_checks(Analysis([]), [], source, ctx)
    if len(source.data) > ctx.settings.max_file_size:
        return _with_post_checks(Analysis([too_large(len(source.data), ctx.settings.max_file_size)]), [],
                                 source, ctx)
    found: list[Diagnostic] = []
    if not analyzer.binary:
        if not source.text and source.data:
            text, found = decode(source.data)
            source = replace(source, text=text)
        nul = first_nul(source.data)
        if nul >= 0:
            pos = LineIndex(source.data[:nul].decode("utf-8", "replace")).end()
            return _with_post_checks(Analysis([make(codes.BINARY_CONTENT,
                                                    f"NUL byte at offset {nul}: this looks like a binary "
                                                    "file, not text", Range(pos, pos))]), [], source, ctx)
    limit = Budget(ctx.deadline)
    token = budget.set(limit)
    try:
        analysis = analyzer.analyze(source, ctx)
        if limit.exceeded:  # a parse was cut short: whatever came of it is not the file's result
            analysis = Analysis([over_budget(ctx)])
    except BudgetExceeded:
        analysis = Analysis([over_budget(ctx)])
    except RecursionError:
        analysis = Analysis([make(codes.INTERNAL_ERROR, "file is nested too deeply to analyse")])
    except Exception as exc:  # containment: one bad file must not take down a run or the server
        log.exception("internal error while analysing %s", source.path)
        analysis = Analysis([make(codes.INTERNAL_ERROR,
                                  f"internal error in the {analyzer.name} analyzer: {type(exc).__name__}: {exc}")])
    finally:
        budget.reset(token)
    return _with_post_checks(analysis, found, source, ctx)


def over_budget(ctx: AnalysisContext) -> Diagnostic:
    """The one diagnostic of a file whose analysis ran past its time budget."""
    limit = ctx.settings.analysis_timeout
    return make(codes.TIME_BUDGET, f"analysis stopped after {limit:g} s (analysis-timeout); "
                "the file is too large or too complex to analyse in time")


def _with_post_checks(analysis: Analysis, found: list[Diagnostic], source: SourceFile,
                      ctx: AnalysisContext) -> Analysis:
    """A new snapshot with every post-check's findings and the finished diagnostics: the family's own
    analysis object is never changed after it returned it."""
    extra, enforced, dependencies = run_post_checks(source, ctx)
    return replace(analysis, diagnostics=finish(found + list(analysis.diagnostics) + extra, source, ctx, enforced),
                   dependencies=analysis.dependencies | dependencies)


def run_post_checks(source: SourceFile, ctx: AnalysisContext
                    ) -> tuple[list[Diagnostic], list[Diagnostic], frozenset[Path]]:
    """(findings, enforced findings, files read) of every post-check; one that raises adds an
    internal-error diagnostic instead, beside the analyzer's own results, which it never erases."""
    found: list[Diagnostic] = []
    enforced: list[Diagnostic] = []
    dependencies: frozenset[Path] = frozenset()
    for check in post_checks():
        try:
            result = check(source, ctx)
        except Exception as exc:  # containment, as for analyzers
            log.exception("post-check %s failed on %s", getattr(check, "__module__", check), source.path)
            found.append(make(codes.INTERNAL_ERROR, f"internal error in the {_check_name(check)} check: "
                                                     f"{type(exc).__name__}: {exc}"))
            continue
        (enforced if result.enforced else found).extend(result.diagnostics)
        dependencies |= result.dependencies
    return found, enforced, dependencies


def _check_name(check: object) -> str:
    module = getattr(check, "__module__", "") or ""
    return module.rsplit(".", 2)[-2] if module.count(".") >= 2 else module or "post"


def finish(diagnostics: list[Diagnostic], source: SourceFile, ctx: AnalysisContext,
           enforced: Sequence[Diagnostic] = ()) -> list[Diagnostic]:
    """Apply select/ignore and inline suppressions (not to `enforced`), drop exact duplicates, keep at
    most `max-diagnostics` of the rest, sort."""
    select, ignore = ctx.settings.select, ctx.settings.ignore
    suppressed = inline_suppressions(source.text) if source.text and _marked(source, ctx) else {}
    must: dict[tuple[object, ...], Diagnostic] = {}
    for diag in enforced:
        must.setdefault((diag.code, diag.range, diag.message), diag)
    kept: dict[tuple[object, ...], Diagnostic] = {}
    for diag in diagnostics:
        if select and not matches(diag.code, select):
            continue
        if ignore and matches(diag.code, ignore):
            continue
        codes_here = suppressed.get(diag.range.start.line)
        if codes_here is not None and (not codes_here or matches(diag.code, tuple(codes_here))):
            continue
        key = (diag.code, diag.range, diag.message)
        if key not in must:
            kept.setdefault(key, diag)
    rest = capped(sorted(kept.values(), key=Diagnostic.sort_key), ctx.settings.max_diagnostics)
    return sorted([*must.values(), *rest], key=Diagnostic.sort_key)


def capped(diagnostics: list[Diagnostic], limit: int | None) -> list[Diagnostic]:
    """At most `limit` diagnostics, and one more saying how many were left out."""
    if limit is None or len(diagnostics) <= limit:
        return diagnostics
    shown = diagnostics[:limit]
    where = shown[-1].range.start if shown else ZERO_RANGE.start
    note = make(codes.TOO_MANY, f"{len(diagnostics) - limit} more problems in this file are not shown "
                f"(max-diagnostics = {limit})", Range(where, where))
    return [*shown, note]


MARKER = b"drvls:"


def _marked(source: SourceFile, ctx: AnalysisContext) -> bool:
    """Whether the text holds a suppression marker at all. After one edit of a text known to hold none,
    only the bytes around the edit are searched: the search of the whole text was the largest part of
    a keystroke's cost at 100,000 lines."""
    key = source.uri or (str(source.path) if source.path is not None else None)
    data = source.data
    if not data:  # text given without its bytes: the text's own search decides
        return True
    with _unmarked_lock:
        before = _unmarked.pop(key, None) if key is not None else None
    if before is not None and len(ctx.edits) == 1 and consistent_one(before, ctx.edits[0], data):
        edit = ctx.edits[0]
        marked = MARKER in data[max(0, edit.start_byte - len(MARKER) + 1):edit.new_end_byte + len(MARKER) - 1]
    else:
        marked = MARKER in data
    if not marked and key is not None:
        with _unmarked_lock:
            _unmarked[key] = data
            while len(_unmarked) > UNMARKED_DOCUMENTS:
                _unmarked.popitem(last=False)
    return marked


# The last text of each recently checked document that held no marker (by URI or path; held, so
# the next edit's check compares with the very text it was made from).
_unmarked: OrderedDict[str, bytes] = OrderedDict()
_unmarked_lock = threading.Lock()
UNMARKED_DOCUMENTS = 4


def inline_suppressions(text: str) -> dict[int, set[str]]:
    """Lines → codes silenced there by a `drvls: ignore[CODE]` comment on the line before (or the same line).

    An empty set means every code.
    """
    if "drvls:" not in text:
        return {}
    out: dict[int, set[str]] = {}
    for number, line in enumerate(split_lines(text)):
        match = SUPPRESSION.search(line)
        if not match:
            continue
        listed = {c.strip() for c in (match.group(1) or "").split(",") if c.strip()}
        for target in (number, number + 1):
            current = out.get(target)
            if current is not None and (not current or not listed):
                out[target] = set()
            else:
                out[target] = (current or set()) | listed
    return out


def check_path(path: Path, ctx: AnalysisContext, named: bool = False) -> Analysis:
    """Read then analyse a file from disk (the CLI's entry point); `named` = given explicitly by the user."""
    analyzer = analyzer_for(path, named)
    if analyzer is None:
        return Analysis(diagnostics=[])
    loaded = read_source(path, ctx.settings.max_file_size)
    if isinstance(loaded, Diagnostic):
        return check_unread(path, loaded, ctx, analyzer)
    return check_source(loaded, ctx, analyzer)


def check_unread(path: Path, problem: Diagnostic, ctx: AnalysisContext, analyzer: Analyzer) -> Analysis:
    """A file that could not be read: its one problem plus what post-checks say of it."""
    unread = SourceFile(path=path, data=b"", text="", unread=problem.message)
    analysis = check_source(unread, ctx, analyzer)
    return replace(analysis, diagnostics=sorted([problem, *analysis.diagnostics], key=Diagnostic.sort_key))
