"""The CAmkES analyzer: a file is checked as the app it is, or in the context of the apps importing it.

* A file with an `assembly` is an app: all of camkes-tool's checks run on it and its imports.
* Any other file is checked in the context of every app in the workspace that imports it;
  problems inside the file are kept, deduplicated, each naming the apps it came from.
* A file no app imports is a library: parsed and resolved alone, and since its names may
  come from an importer, unknown references are warnings rather than errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path, PurePath
from typing import Any

from drvls.camkes import codes
from drvls.camkes import model as m
from drvls.camkes.apps import ASSEMBLY, importing_apps
from drvls.camkes.cache import CACHE, Bounded, digest, drop_all
from drvls.camkes.checks.run import check_program_resolved
from drvls.camkes.frontend import FrontResult, Reuse, load
from drvls.camkes.imports import Program, build_program, normal, prefetch_program, reachable
from drvls.camkes.index import CamkesModel, build_index
from drvls.camkes.model import Problem
from drvls.camkes.preprocess import ReadText
from drvls.camkes.reader import SourceReader
from drvls.camkes.resolve import Resolved, resolve
from drvls.camkes.settings import CamkesSettings, read_settings
from drvls.core import logs
from drvls.core.diagnostics import ZERO_RANGE, Diagnostic, RelatedLocation, Severity
from drvls.core.engine import make
from drvls.core.languages import Analysis, AnalysisContext, LazyIndexAnalysis, SourceFile

log = logs.Logger(__name__)

EXTENSIONS = (".camkes", ".idl4")


class CamkesAnalyzer:
    name = "camkes"
    binary = False

    def handles(self, path: PurePath) -> bool:
        return path.suffix.lower() in EXTENSIONS

    def invalidate(self, paths: Iterable[Path]) -> None:
        """Files changed on disk or in a buffer, appeared or vanished: forget what depends on them."""
        CACHE.invalidate(normal(p) for p in paths)

    def analyze(self, source: SourceFile, ctx: AnalysisContext) -> Analysis:
        settings = read_settings(ctx.settings)
        read = SourceReader(ctx.workspace, ctx.settings.max_file_size)
        path = normal(source.path) if source.path is not None else None
        if path is not None and ASSEMBLY.search(source.text):  # an app: its own cpp run joins its imports'
            prefetch_program(source.text, path, settings, read)
        own = load(source.text, path, settings, read, _reuse(ctx))
        ctx.check_deadline()  # the time budget (core/engine.py): between parsing and the app checks
        is_app = any(isinstance(item, m.Assembly) for item in own.parsed.items)
        apps = [] if is_app or path is None else importing_apps(
            path, discovery_roots(path, ctx), settings, read, excludes(ctx))
        if apps and path is not None:
            diagnostics, dependencies, first = self._in_apps(own, path, apps, settings, read)
            diagnostics.extend(self._notices(Program(path, cpp_missing=own.cpp_missing), path, ctx))
            if first is not None:  # names mean what the first app importing the file makes them mean
                program, resolved = first.program, first.resolved
            else:
                program = build_program(source.text, path, settings, read)
                resolved = resolve(program.items, settings.allow_forward_references)
        else:
            diagnostics, dependencies, program, resolved = self._alone(source.text, path, is_app, settings, read,
                                                                        ctx)
        dependencies |= own.parsed.included
        if path is not None:
            dependencies.discard(path)
        state = CamkesState(own.tree) if own.tree is not None else None
        model = CamkesModel(path, own.parsed, tuple(program.parsed), tuple(program.items), resolved.table,
                            dict(program.import_targets))
        text, tree = source.text, own.tree  # the index is built when a feature first asks (a check never does)
        return LazyIndexAnalysis(diagnostics=diagnostics, state=state, dependencies=frozenset(dependencies),
                                 model=model, build_symbols=lambda: build_index(model, text, tree))

    def _in_apps(self, own: FrontResult, path: Path, apps: list[Path], settings: CamkesSettings,
                 read: ReadText) -> tuple[list[Diagnostic], set[Path], AppCheck | None]:
        """The file's own syntax problems, plus what each importing app finds inside the file."""
        diagnostics = self._to_diagnostics([p for p in own.problems if p.loc.path == path], path, None)
        dependencies: set[Path] = set()
        first: AppCheck | None = None
        for app in apps:
            app_text = read(app)
            if app_text is None:
                continue
            checked = check_app(app, app_text, settings, read)
            first = first or checked
            dependencies |= checked.dependencies | {app}
            diagnostics.extend(self._to_diagnostics(checked.problems, path, app))
        return merge_apps(diagnostics), dependencies, first

    def _alone(self, text: str, path: Path | None, is_app: bool, settings: CamkesSettings, read: ReadText,
               ctx: AnalysisContext) -> tuple[list[Diagnostic], set[Path], Program, Resolved]:
        """An app with everything it imports, or a library no app imports (unknown names only warn)."""
        program = build_program(text, path, settings, read)
        problems, resolved = check_program_resolved(program, settings.allow_forward_references, is_app)
        diagnostics = self._to_diagnostics(problems, path, None)
        if is_app:
            diagnostics += imported_errors(program, problems)
        else:
            diagnostics = [_library(d) for d in diagnostics]
            diagnostics += imported_errors(program, [p for p in problems if p.rule is not codes.UNKNOWN_REFERENCE])
        diagnostics.extend(self._notices(program, path, ctx))
        return diagnostics, set(program.dependencies), program, resolved

    def _to_diagnostics(self, problems: Iterable[Problem], path: Path | None, app: Path | None) -> list[Diagnostic]:
        out = []
        for problem in problems:
            if problem.loc.path != path:
                continue
            related = tuple(RelatedLocation(str(loc.path) if loc.path else None, loc.range, text)
                            for loc, text in problem.related)
            if app is not None:
                related += (RelatedLocation(str(app), ZERO_RANGE, f"in app {app.name}"),)
            out.append(make(problem.rule, problem.message, problem.loc.range, related=related))
        return out

    def _notices(self, program: Program, path: Path | None, ctx: AnalysisContext) -> list[Diagnostic]:
        out = []
        for name, loc in program.fallbacks:
            if loc.path == path:
                out.append(make(codes.BUILTIN_CONNECTORS,
                                f"'{name}' is not on the import path: using drvls's own table of its "
                                "standard connectors", loc.range))
        if program.cpp_missing:
            _log_no_cpp()
            if not in_editor(ctx):
                out.append(make(codes.NO_CPP, "no C preprocessor found (setting camkes.cpp): #include and "
                                              "#define lines are ignored", ZERO_RANGE))
        return out


@cache
def _log_no_cpp() -> None:
    """Logged once per process; the diagnostic itself is given to every file, whatever ran before."""
    log.warning("no C preprocessor found (camkes.cpp); CAmkES files are read without "
                "preprocessing, so #include and #define lines are ignored")


@dataclass(frozen=True)
class CamkesState:
    """Kept between edits of one buffer: the tree of its text, for an incremental re-parse."""

    tree: Any


def _reuse(ctx: AnalysisContext) -> Reuse | None:
    previous = ctx.previous.state if ctx.previous is not None else None
    if isinstance(previous, CamkesState) and ctx.edits:
        return Reuse(previous.tree, tuple(ctx.edits))
    return None


def discovery_roots(path: Path, ctx: AnalysisContext) -> list[Path]:
    """Where to look for apps importing `path`: decided by the file alone, never by the other files of a run.

    The project of the file (its config file's folder, else the nearest folder holding `.git`), else
    the outermost workspace root holding the file, else the file's own folder.
    """
    config = ctx.settings.config_file
    key = (path.parent, config, tuple(ctx.workspace.roots()))
    return list(_projects.get_or_compute(key, lambda: _discovery_roots(path.parent, config, key[2])))


_projects: Bounded[tuple[Path, Path | None, tuple[Path, ...]], tuple[Path, ...]] = CACHE.table(
    4096, on_event=drop_all)  # a `.git` or config file may appear


def _discovery_roots(folder: Path, config: Path | None, roots: tuple[Path, ...]) -> tuple[Path, ...]:
    if config is not None and folder.is_relative_to(normal(config.parent)):
        return (normal(config.parent),)
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return (candidate,)
    holding = sorted((normal(r) for r in roots if folder.is_relative_to(normal(r))), key=lambda r: len(r.parts))
    return tuple(holding[:1]) or (folder,)


def excludes(ctx: AnalysisContext) -> tuple[str, ...]:
    return tuple(str(e) for e in ctx.settings.get("exclude") or ())


@dataclass(frozen=True)
class AppCheck:
    """One app checked: its problems, the files it read, and its program and resolution (for the model)."""

    fingerprint: tuple[tuple[Path, bytes | None], ...]
    problems: list[Problem]
    dependencies: set[Path]
    program: Program
    resolved: Resolved


_AppKey = tuple[Path, CamkesSettings]
_app_results: Bounded[_AppKey, AppCheck] = CACHE.table(256)


def _fingerprint(paths: Iterable[Path], read: ReadText) -> tuple[tuple[Path, bytes | None], ...]:
    texts = ((p, read(p)) for p in sorted(paths))
    return tuple((p, digest(t) if t is not None else None) for p, t in texts)


def check_app(app: Path, text: str, settings: CamkesSettings, read: ReadText) -> AppCheck:
    """All problems of an app, reused while none of the files it read has changed."""
    key = (app, settings)
    hit = _app_results.get(key)
    if hit is not None and hit.fingerprint == _fingerprint([p for p, _ in hit.fingerprint], read):
        return hit
    program = build_program(text, app, settings, read)
    problems, resolved = check_program_resolved(program, settings.allow_forward_references, True)
    deps = set(program.dependencies) | set(program.files)
    return _app_results.put(key, AppCheck(_fingerprint(deps | {app}, read), problems, deps, program, resolved))


def in_editor(ctx: AnalysisContext) -> bool:
    """The language server reads through open buffers; the CLI through the plain disk."""
    return ctx.session.get("interface") == "lsp"


def imported_errors(program: Program, problems: list[Problem]) -> list[Diagnostic]:
    """Errors inside imported files: one diagnostic on each import statement of the checked file that
    reaches them, listing every one of them as related information."""
    elsewhere = [p for p in problems if p.loc.path is not None and p.loc.path != program.root
                 and p.rule.severity >= Severity.ERROR]
    if not elsewhere:
        return []
    out = []
    for imp, target in program.root_imports:
        files = reachable(program, target)
        hits = list({(p.loc, p.message): p for p in elsewhere if p.loc.path in files}.values())
        if not hits:
            continue
        first = hits[0]
        name = first.loc.path.name if first.loc.path else imp.target
        count = f" (1 of {len(hits)} errors, all listed)" if len(hits) > 1 else ""
        out.append(make(codes.ERROR_IN_IMPORT, f"error in imported file '{name}': {first.message}{count}",
                        imp.loc.range,
                        related=tuple(RelatedLocation(str(p.loc.path), p.loc.range, p.message) for p in hits)))
    return out


def _library(diag: Diagnostic) -> Diagnostic:
    """Alone, a library's names may come from its importer: unknown references are only warnings."""
    if diag.code == codes.UNKNOWN_REFERENCE.code and diag.severity > Severity.WARNING:
        return replace(diag, severity=Severity.WARNING)
    return diag


def merge_apps(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """One diagnostic per (code, range, message), naming every app it came from."""
    merged: dict[tuple[object, ...], Diagnostic] = {}
    for diag in diagnostics:
        key = (diag.code, diag.range, diag.message)
        first = merged.get(key)
        if first is None:
            merged[key] = diag
        else:
            extra = tuple(r for r in diag.related if r not in first.related)
            merged[key] = replace(first, related=first.related + extra)
    return list(merged.values())


ANALYZER = CamkesAnalyzer()
