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
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from drvls.camkes import codes
from drvls.camkes import model as m
from drvls.camkes.cache import CACHE, Bounded, digest, drop_all
from drvls.camkes.connectors import FALLBACK_FILES, connector_items
from drvls.camkes.frontend import FrontResult, load
from drvls.camkes.model import Problem
from drvls.camkes.preprocess import CppMissing, ReadText, needs_cpp, preprocess
from drvls.camkes.settings import CamkesSettings
from drvls.core.reading import ReadProblem


@dataclass
class Program:
    """Everything an app (or a lone file) declares, in camkes-tool's namespace order.

    Built per check; the items in it are the shared, immutable parsed files.
    """

    root: Path | None
    items: list[m.Item] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    dependencies: set[Path] = field(default_factory=set)
    fallbacks: list[tuple[str, m.Loc]] = field(default_factory=list)
    cpp_missing: bool = False
    # Edges of the import graph: file → files it imports (resolved), for app discovery.
    imports: dict[Path | None, list[Path]] = field(default_factory=dict)
    # The root file's own import statements that found their file, with that file.
    root_imports: list[tuple[m.Import, Path]] = field(default_factory=list)
    # Every import statement that found its file (by identity), for links and navigation.
    import_targets: dict[int, tuple[m.Import, Path]] = field(default_factory=dict)
    # The parsed files, in the order they were read (the root first).
    parsed: list[m.ParsedFile] = field(default_factory=list)

    def target(self, imp: m.Import) -> Path | None:
        found = self.import_targets.get(id(imp))
        return found[1] if found is not None and found[0] is imp else None


def normal(path: Path) -> Path:
    return Path(os.path.normpath(os.path.join(os.getcwd(), path)))


ANGLE_IMPORT = re.compile(r"^[ \t]*import[ \t]*<", re.M)
IMPORT_LINE = re.compile(r'^[ \t]*import[ \t]*(<[^<>;,"{}\n]*>|"[^"\n]*")[ \t]*;', re.M)


def _drop_lookups(table: Bounded[tuple[str, bool, str, str], Path | None],
                  paths: frozenset[Path]) -> None:
    """A file that appeared can be what an import finds now; one that changed or vanished too."""
    table.drop_if(lambda _key, found: found is None or found in paths)


_found: Bounded[tuple[str, bool, str, str], Path | None] = CACHE.table(16384, on_event=_drop_lookups)


def find_import(imp: m.Import, importer: Path | None, settings: CamkesSettings,
                read: ReadText) -> Path | None:
    """The file an import names: relative to the importer's folder, or the first hit on the import path.

    Answers are kept until a file event says a file appeared, changed or vanished.
    """
    if imp.angle:
        return find_on_path(imp.target, settings, read)
    base = os.path.dirname(importer) if importer is not None else os.getcwd()
    return _found.get_or_compute((imp.target, False, base, ""), lambda: _find_import(imp, importer, settings, read))


def find_on_path(target: str, settings: CamkesSettings, read: ReadText) -> Path | None:
    """The file `import <target>;` finds: the first hit on the import path (kept as `find_import` keeps it)."""
    return _found.get_or_compute((target, True, "", settings.import_key),
                                 lambda: _find_import(m.Import(target, True), None, settings, read))


def exists(read: ReadText, path: Path) -> bool:
    """A file is there when it reads, or when it is there but cannot be read (a pipe, a device)."""
    check = getattr(read, "exists", None)
    return bool(check(path)) if check is not None else read(path) is not None


def read_problem(read: ReadText, path: Path) -> ReadProblem | None:
    why = getattr(read, "problem", None)
    found = why(path) if why is not None else None
    return found if isinstance(found, ReadProblem) else None


def _find_import(imp: m.Import, importer: Path | None, settings: CamkesSettings,
                 read: ReadText) -> Path | None:
    if imp.angle:
        bases = [str(d) for d in settings.import_path]
    else:
        bases = [os.path.dirname(importer) if importer is not None else os.getcwd()]
    for base in bases:
        name = os.path.normpath(os.path.join(base, imp.target))
        if _there(name, read):
            return Path(name)
    return None


def _drop_presence(table: Bounded[str, bool], paths: frozenset[Path]) -> None:
    """As `_drop_lookups`: an absent file may have appeared; a present one may have vanished."""
    names = {str(p) for p in paths}
    table.drop_if(lambda name, present: not present or name in names)


# Whether a file is at a path, shared by every import path that looks there (most of them hold the same folders).
_present: Bounded[str, bool] = CACHE.table(65536, on_event=_drop_presence)


def _there(name: str, read: ReadText) -> bool:
    return _present.get_or_compute(name, lambda: exists(read, Path(name)))


def build_program(text: str, path: Path | None, settings: CamkesSettings, read: ReadText,
                  prelude: tuple[str, ...] = ()) -> Program:
    """Load `path` (with `text`) and every file it imports, transitively."""
    root = normal(path) if path is not None else None
    if root is not None:
        prefetch_program(text, root, settings, read)
    program = Program(root)
    seen: set[Path | None] = {root}
    for target in prelude:
        _follow(program, m.Import(target, True, m.Loc(root)), root, settings, read, seen)
    _include(program, text, root, settings, read, seen)
    return program


def _include(program: Program, text: str, path: Path | None, settings: CamkesSettings, read: ReadText,
             seen: set[Path | None], via: m.Import | None = None) -> None:
    result = load(text, path, settings, read)
    if via is not None and not_camkes(text, result):
        program.problems.append(Problem(codes.NOT_CAMKES, f"imported file '{Path(via.target).name}' is not a "
                                        "CAmkES file (nothing in it is CAmkES syntax)", via.loc))
        return
    if path is not None:
        program.files.append(path)
    program.parsed.append(result.parsed)
    program.dependencies |= result.parsed.included
    program.problems.extend(result.problems)
    program.cpp_missing |= result.cpp_missing
    program.imports.setdefault(path, [])
    for item in result.parsed.items:
        if isinstance(item, m.Import):
            _follow(program, item, path, settings, read, seen)
        else:
            program.items.append(item)


def not_camkes(text: str, result: FrontResult) -> bool:
    """A file that is no CAmkES at all (environment, binary data): NUL bytes, or syntax errors and no items.

    Its problems would quote its content, which may be secret, so none of them is kept.
    """
    if "\0" in text:
        return True
    syntax = any(p.rule is codes.SYNTAX for p in result.problems)
    return syntax and not result.parsed.items and bool(text.strip())


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
    program.import_targets[id(imp)] = (imp, target)
    program.imports.setdefault(importer, []).append(target)
    if importer == program.root:
        program.root_imports.append((imp, target))
    program.dependencies.add(target)
    if target in seen:
        return
    seen.add(target)
    data = read(target)
    if data is None:
        why = read_problem(read, target)
        if why is not None:
            program.problems.append(Problem(codes.IMPORT_UNREADABLE,
                                            f"cannot read imported file '{imp.target}': {why.reason}", imp.loc))
        else:
            program.problems.append(Problem(codes.IMPORT_NOT_FOUND, f"import '{imp.target}' not found", imp.loc))
        return
    _include(program, data, target, settings, read, seen, imp)


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


# The files a text's import lines find, and what each `import <x>` among them found on the import path.
_Direct = tuple[tuple[Path, ...], tuple[tuple[str, Path | None], ...]]
_direct: Bounded[tuple[Path, bytes, str], _Direct] = CACHE.table(16384, on_event=drop_all)


def direct_imports(text: str, path: Path, settings: CamkesSettings, read: ReadText) -> tuple[Path, ...]:
    """Files named by `import` lines, found without preprocessing (guarded imports count too).

    Kept per text until a file event (which can change what an import finds).
    """
    return _direct_lines(text, path, settings, read)[0]


def _direct_lines(text: str, path: Path, settings: CamkesSettings, read: ReadText) -> _Direct:
    key = (path, digest(text), settings.import_key if ANGLE_IMPORT.search(text) else "")
    return _direct.get_or_compute(key, lambda: _direct_imports(text, path, settings, read))


def _direct_imports(text: str, path: Path, settings: CamkesSettings, read: ReadText) -> _Direct:
    out = []
    angle = []
    for match in IMPORT_LINE.finditer(text):
        raw = match.group(1)
        imp = m.Import(raw[1:-1], raw.startswith("<"))
        target = find_import(imp, path, settings, read)
        if imp.angle:
            angle.append((imp.target, target))
        if target is not None:
            out.append(target)
    return tuple(out), tuple(angle)


def import_closure(root: Path, text: str, settings: CamkesSettings, read: ReadText,
                   angle: dict[str, Path | None] | None = None) -> set[Path]:
    """The root and every file reachable through its `import` lines.

    `angle`, when given, receives every `import <x>` met and the file it found on the import path
    (None: none): the only answers of the walk another import path can change.
    """
    seen = {root}
    todo = [(root, text)]
    while todo:
        path, body = todo.pop()
        found, lookups = _direct_lines(body, path, settings, read)
        if angle is not None:
            angle.update(lookups)
        for target in found:
            if target not in seen:
                seen.add(target)
                imported = read(target)
                if imported is not None and "import" in imported:
                    todo.append((target, imported))
    return seen


PREFETCH_WORKERS = 8


def prefetch_program(text: str, path: Path, settings: CamkesSettings, read: ReadText) -> None:
    """Preprocess `path` and every file its import lines reach at once, its own text included."""
    root = normal(path)
    prefetch(import_closure(root, text, settings, read), root, text, settings, read)


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
    list(_pool().map(run, jobs))


_prefetcher: ThreadPoolExecutor | None = None
_prefetcher_lock = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    """The process's one prefetch pool, started on first use (a pool per app started threads per app)."""
    global _prefetcher
    with _prefetcher_lock:
        if _prefetcher is None:
            _prefetcher = ThreadPoolExecutor(max_workers=PREFETCH_WORKERS, thread_name_prefix="drvls-cpp")
        return _prefetcher


def _forget_pool() -> None:
    """A forked child (a `drvls check` worker) has none of its parent's threads: it starts its own pool."""
    global _prefetcher, _prefetcher_lock
    _prefetcher, _prefetcher_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)
