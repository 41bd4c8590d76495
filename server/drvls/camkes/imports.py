"""Following `import` statements as camkes-tool's stage 2 does, splicing each file's items in place.

A file already read is skipped (cycles and repeated imports are harmless); relative imports
are relative to the importing file's folder; `import <x>` searches the import path in order.
When `std_connector.camkes` (or global-components' `global-connectors.camkes`) is not on the
import path, our own table of standard connectors stands in and the program records it.
"""

from __future__ import annotations

import contextlib
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from drvls.camkes import codes
from drvls.camkes import model as m
from drvls.camkes.connectors import FALLBACK_FILES, connector_items
from drvls.camkes.frontend import load
from drvls.camkes.model import Problem
from drvls.camkes.preprocess import CppMissing, ReadText, needs_cpp, preprocess
from drvls.camkes.settings import CamkesSettings
from drvls.camkes.ttl_cache import TtlCache


@dataclass
class Program:
    """Everything an app (or a lone file) declares, in camkes-tool's namespace order."""

    root: Path | None
    items: list[m.Item] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    dependencies: set[Path] = field(default_factory=set)
    fallbacks: list[tuple[str, m.Loc]] = field(default_factory=list)
    cpp_missing: bool = False
    # Edges of the import graph: file → files it imports (resolved), for app discovery.
    imports: dict[Path | None, list[Path]] = field(default_factory=dict)
    # The root file's own import statements that found their file.
    root_imports: list[m.Import] = field(default_factory=list)


def normal(path: Path) -> Path:
    return Path(os.path.normpath(os.path.join(os.getcwd(), path)))


IMPORT_LINE = re.compile(r'^[ \t]*import[ \t]*(<[^<>;,"{}\n]*>|"[^"\n]*")[ \t]*;', re.M)


_found: TtlCache[tuple[str, bool, str, tuple[Path, ...]], Path | None] = TtlCache(16384)


def find_import(imp: m.Import, importer: Path | None, settings: CamkesSettings,
                exists: ReadText) -> Path | None:
    """The file an import names: relative to the importer's folder, or the first hit on the import path.

    Answers are kept a few seconds: apps are scanned often and file creation is rare.
    """
    base = "" if imp.angle else (os.path.dirname(importer) if importer is not None else os.getcwd())
    key = (imp.target, imp.angle, base, settings.import_path)
    return _found.get_or_compute(key, lambda: _find_import(imp, importer, settings, exists))


def _find_import(imp: m.Import, importer: Path | None, settings: CamkesSettings,
                 exists: ReadText) -> Path | None:
    if imp.angle:
        bases = [str(d) for d in settings.import_path]
    else:
        bases = [os.path.dirname(importer) if importer is not None else os.getcwd()]
    for base in bases:
        path = Path(os.path.normpath(os.path.join(base, imp.target)))
        if exists(path) is not None:
            return path
    return None


def build_program(text: str, path: Path | None, settings: CamkesSettings, read: ReadText,
                  prelude: tuple[str, ...] = ()) -> Program:
    """Load `path` (with `text`) and every file it imports, transitively."""
    root = normal(path) if path is not None else None
    if root is not None:
        prefetch(import_closure(root, text, settings, read), root, text, settings, read)
    program = Program(root)
    seen: set[Path | None] = {root}
    for target in prelude:
        _follow(program, m.Import(target, True, m.Loc(root)), root, settings, read, seen)
    _include(program, text, root, settings, read, seen)
    return program


def _include(program: Program, text: str, path: Path | None, settings: CamkesSettings, read: ReadText,
             seen: set[Path | None]) -> None:
    result = load(text, path, settings, read)
    if path is not None:
        program.files.append(path)
    program.dependencies |= result.parsed.included
    program.problems.extend(result.problems)
    program.cpp_missing |= result.cpp_missing
    program.imports.setdefault(path, [])
    for item in result.parsed.items:
        if isinstance(item, m.Import):
            _follow(program, item, path, settings, read, seen)
        else:
            program.items.append(item)


def _follow(program: Program, imp: m.Import, importer: Path | None, settings: CamkesSettings,
            read: ReadText, seen: set[Path | None]) -> None:
    target = find_import(imp, importer, settings, read)
    if target is None:
        name = Path(imp.target).name
        table = FALLBACK_FILES.get(name) if imp.angle else None
        if table is not None:
            if name not in {n for n, _ in program.fallbacks}:
                program.fallbacks.append((name, imp.loc))
                program.items.extend(connector_items(table, imp.loc))
            return
        program.problems.append(Problem(codes.IMPORT_NOT_FOUND, f"import '{imp.target}' not found", imp.loc))
        return
    imp.resolved = target
    program.imports.setdefault(importer, []).append(target)
    if importer == program.root:
        program.root_imports.append(imp)
    program.dependencies.add(target)
    if target in seen:
        return
    seen.add(target)
    data = read(target)
    if data is None:
        program.problems.append(Problem(codes.IMPORT_NOT_FOUND, f"import '{imp.target}' not found", imp.loc))
        return
    _include(program, data, target, settings, read, seen)


def reachable(program: Program, start: Path) -> set[Path]:
    """Files read through the import of `start` (itself included)."""
    seen = {start}
    todo = [start]
    while todo:
        for nxt in program.imports.get(todo.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


_direct: TtlCache[tuple[Path, int, tuple[Path, ...]], list[Path]] = TtlCache(16384)


def direct_imports(text: str, path: Path, settings: CamkesSettings, read: ReadText) -> list[Path]:
    """Files named by `import` lines, found without preprocessing (guarded imports count too).

    Kept a few seconds, like the answers of `find_import` it is made of.
    """
    key = (path, hash(text), settings.import_path)
    return _direct.get_or_compute(key, lambda: _direct_imports(text, path, settings, read))


def _direct_imports(text: str, path: Path, settings: CamkesSettings, read: ReadText) -> list[Path]:
    out = []
    for match in IMPORT_LINE.finditer(text):
        raw = match.group(1)
        target = find_import(m.Import(raw[1:-1], raw.startswith("<")), path, settings, read)
        if target is not None:
            out.append(target)
    return out


_closures: TtlCache[tuple[Path, int, tuple[Path, ...]], set[Path]] = TtlCache(4096)


def import_closure(root: Path, text: str, settings: CamkesSettings, read: ReadText) -> set[Path]:
    """The root and every file reachable through its `import` lines (kept a few seconds)."""
    key = (root, hash(text), settings.import_path)
    return _closures.get_or_compute(key, lambda: _import_closure(root, text, settings, read))


def _import_closure(root: Path, text: str, settings: CamkesSettings, read: ReadText) -> set[Path]:
    seen = {root}
    todo = direct_imports(text, root, settings, read)
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        body = read(path)
        if body is not None and "import" in body:
            todo.extend(direct_imports(body, path, settings, read))
    return seen


PREFETCH_WORKERS = 8


def prefetch(paths: set[Path], root: Path, root_text: str, settings: CamkesSettings, read: ReadText) -> None:
    """Preprocess an app's files concurrently: cpp's cost is mostly process start-up, not CPU."""
    jobs = []
    for path in paths:
        text = root_text if path == root else read(path)
        if text is not None and needs_cpp(text, settings):
            jobs.append((text, path))
    if len(jobs) < 2:
        return

    def run(job: tuple[str, Path]) -> None:
        with contextlib.suppress(CppMissing):
            preprocess(job[0], job[1], settings)
    with ThreadPoolExecutor(max_workers=PREFETCH_WORKERS) as pool:
        list(pool.map(run, jobs))
