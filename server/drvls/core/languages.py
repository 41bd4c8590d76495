"""What an analyzer is, and which ones exist.

A language module exposes `ANALYZER` (an object satisfying `Analyzer`) and a `codes` module
that registers its rules. Modules are imported lazily so `drvls check x.system` does not pay
for the CAmkES grammar or the native `.drv` decoder.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePath
from typing import Any, Protocol

from drvls.core.config import Settings
from drvls.core.diagnostics import Diagnostic
from drvls.core.reading import ReadProblem, read_bounded
from drvls.core.symbols import EMPTY_INDEX, SymbolIndex
from drvls.core.text import LineIndex


@dataclass(frozen=True)
class Family:
    """An analyzer module and a cheap test of which paths it claims, so only that module is imported.

    A family claims paths by suffix, or by a `"module:function"` predicate on the path whose module
    must be light (the family's analyzer is imported only once a path is claimed).
    """

    module: str
    suffixes: tuple[str, ...] = ()
    claims_by: str | None = None

    def claims(self, path: PurePath) -> bool:
        if path.suffix.lower() in self.suffixes:
            return True
        if self.claims_by is None:
            return False
        module_name, function = self.claims_by.split(":")
        module = _import_optional(module_name)
        return module is not None and bool(getattr(module, function)(path))


FAMILIES = (
    Family("drvls.microkit.analyzer", suffixes=(".system",)),
    Family("drvls.camkes.analyzer", suffixes=(".camkes", ".idl4")),
    Family("drvls.drv.analyzer", suffixes=(".drv",)),
    Family("drvls.drv.sources_analyzer", claims_by="drvls.drv.sources.detect:format_by_name"),
)
CODE_TABLES = (
    "drvls.core.codes",
    "drvls.microkit.codes",
    "drvls.camkes.codes",
    "drvls.drv.codes",
    "drvls.drv.codes_binary",
    "drvls.signing.codes",
)
# Checks that apply to any analysed file (e.g. `--require-signatures`): modules exposing
# `post_check(source, ctx) -> PostCheckResult`.
POST_CHECK_MODULES = ("drvls.signing.post_check",)


@dataclass(frozen=True)
class SourceFile:
    """One file's bytes and its decoded text (bad UTF-8 replaced, so text is always usable)."""

    path: Path | None
    data: bytes
    text: str
    version: int | None = None
    uri: str | None = None
    # Why `data` is empty when the file could not be read (too large, unreadable): post-checks such
    # as `--require-signatures` still report the file, from this reason.
    unread: str | None = None
    # The line index of `text` when the caller keeps one per version (the server, updated per edit),
    # so an analyzer need not scan the whole text again to place its findings.
    lines: LineIndex | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Edit:
    """A tree-sitter InputEdit: byte offsets and (row, byte column) points, old and new."""

    start_byte: int
    old_end_byte: int
    new_end_byte: int
    start_point: tuple[int, int]
    old_end_point: tuple[int, int]
    new_end_point: tuple[int, int]


def consistent_one(old: bytes, edit: Edit, new: bytes) -> bool:
    """Whether one edit turns `old` into `new` (inserted text aside), without copying either: only then may
    what was known of `old` be carried to `new`."""
    start, old_end, new_end = edit.start_byte, edit.old_end_byte, edit.new_end_byte
    if not 0 <= start <= old_end <= len(old) or new_end < start:
        return False
    if len(new) != len(old) - (old_end - start) + (new_end - start):
        return False
    return new.startswith(memoryview(old)[:start]) and new.endswith(memoryview(old)[old_end:])


class Workspace(Protocol):
    """What an analyzer may read besides its own file: open buffers win over the disk."""

    def read(self, path: Path) -> bytes | None: ...

    def roots(self) -> Sequence[Path]: ...


class DiskWorkspace:
    """The plain file system, for the CLI: bounded, non-blocking reads of regular files only."""

    def __init__(self, roots: Sequence[Path] = ()) -> None:
        self._roots = list(roots)

    def read(self, path: Path) -> bytes | None:
        data = read_bounded(path)
        return None if isinstance(data, ReadProblem) else data

    def roots(self) -> Sequence[Path]:
        return self._roots


@dataclass
class AnalysisContext:
    """What an analysis may read besides its file: settings, workspace, the previous analysis and the edits since."""

    settings: Settings
    workspace: Workspace
    previous: Analysis | None = None
    edits: Sequence[Edit] = ()
    # The CLI sets this so that information diagnostics meant "once per run" are emitted once.
    session: dict[str, Any] = field(default_factory=dict)
    # `time.monotonic()` after which the analysis should stop (the engine sets it from the
    # `analysis-timeout` setting); long loops call `check_deadline()` between steps.
    deadline: float | None = None

    def expired(self) -> bool:
        return self.deadline is not None and time.monotonic() > self.deadline

    def check_deadline(self) -> None:
        """Raise `BudgetExceeded` once the deadline has passed (the engine turns it into one DL006)."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise BudgetExceeded()


class BudgetExceeded(Exception):
    """An analysis ran past its deadline; raised cooperatively by `AnalysisContext.check_deadline`."""


@dataclass(frozen=True)
class Analysis:
    """One file's immutable snapshot: the engine builds a new one (`dataclasses.replace`) instead of
    changing the family's, so an incremental `previous` and every query over it stay valid."""

    diagnostics: list[Diagnostic]
    # Language-private state reused on the next edit (e.g. the tree-sitter tree).
    state: Any = None
    # Other files this result depends on (imports, prefill files), so editors re-check on change.
    dependencies: frozenset[Path] = frozenset()
    # Every name in the file with its definition and references (core/symbols.py), for navigation
    # and every feature built on it; never mutated once returned.
    symbols: SymbolIndex = EMPTY_INDEX
    # The family's typed model of the file (immutable once returned), for hover, previews and ports.
    model: Any = None


@dataclass(frozen=True)
class LazyIndexAnalysis(Analysis):
    """An `Analysis` whose symbol index is built from `build_symbols` on first read.

    A keystroke pays for no index unless a feature asks for one. `symbols` is a field the
    constructor does not take (`init=False`), so the engine's `dataclasses.replace` copies the
    builder without running it; the built index is kept in `_lazy`, the one thing set later.
    """

    build_symbols: Callable[[], SymbolIndex] | None = None
    symbols: SymbolIndex = field(default=EMPTY_INDEX, init=False, compare=False)
    _lazy: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __getattribute__(self, name: str) -> Any:
        if name == "symbols":
            lazy = object.__getattribute__(self, "_lazy")
            if "symbols" not in lazy:
                build = object.__getattribute__(self, "build_symbols")
                lazy["symbols"] = build() if build is not None else EMPTY_INDEX
            return lazy["symbols"]
        return object.__getattribute__(self, name)


@dataclass(frozen=True)
class PostCheckResult:
    """A post-check's findings plus the files it read (e.g. `FILE.sig`), so editors re-check on change."""

    diagnostics: list[Diagnostic]
    dependencies: frozenset[Path] = frozenset()
    # True for checks the user demanded on the command line (e.g. `--require-signatures`): their
    # findings escape select/ignore and inline `drvls: ignore` comments, which the file or its
    # repository could use to excuse itself.
    enforced: bool = False


PostCheck = Callable[[SourceFile, "AnalysisContext"], PostCheckResult]


class Analyzer(Protocol):
    name: str
    # True when the analyzer reads bytes itself (e.g. `.drv`): no text decoding diagnostics.
    binary: bool

    def handles(self, path: PurePath) -> bool: ...

    def analyze(self, source: SourceFile, ctx: AnalysisContext) -> Analysis: ...


_loaded: dict[str, Analyzer | None] = {}


def load_function(target: str) -> Any:
    """The function a `module:function` name points at, its module imported now: how core reaches a
    family's feature (formatter, hover, code actions) without importing the family up front."""
    module_name, function = target.split(":")
    return getattr(importlib.import_module(module_name), function)


def import_optional(name: str) -> Any | None:
    """Import a family module, or None when that family is not part of this build."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            return None
        raise


_import_optional = import_optional


def _analyzer(family: Family) -> Analyzer | None:
    if family.module not in _loaded:
        module = _import_optional(family.module)
        _loaded[family.module] = module.ANALYZER if module is not None else None
    return _loaded[family.module]


def analyzers() -> list[Analyzer]:
    """Every analyzer of this build (imports them all: for listings, not for dispatch)."""
    return [a for a in (_analyzer(f) for f in FAMILIES) if a is not None]


def analyzer_for(path: PurePath, named: bool = False) -> Analyzer | None:
    """The analyzer for a file, importing only its family; `named` files (given explicitly by the
    user) may also be taken by an analyzer that accepts them by kind (e.g. any Markdown as rules)."""
    for family in FAMILIES:
        if family.claims(path):
            analyzer = _analyzer(family)
            if analyzer is not None and analyzer.handles(path):
                return analyzer
    if named:
        for analyzer in analyzers():
            accepts = getattr(analyzer, "accepts_named", None)
            if accepts is not None and accepts(path):
                return analyzer
    return None


def invalidate(paths: Iterable[Path]) -> None:
    """Files changed, appeared or vanished (a buffer opened, edited, saved or closed; a watcher's report):
    every loaded analyzer that keeps answers depending on the file system (`invalidate(paths)`) drops them."""
    changed = list(paths)
    for analyzer in list(_loaded.values()):
        hook = getattr(analyzer, "invalidate", None)
        if hook is not None and changed:
            hook(changed)


def load_code_tables() -> None:
    for module_name in CODE_TABLES:
        _import_optional(module_name)


@cache
def post_checks() -> tuple[PostCheck, ...]:
    """The post-checks of this build, found once (they run on every analysis, keystrokes included)."""
    checks: list[PostCheck] = []
    for module_name in POST_CHECK_MODULES:
        module = _import_optional(module_name)
        if module is not None:
            checks.append(module.post_check)
    return tuple(checks)
