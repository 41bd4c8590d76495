"""`drvls check`: headless lint of files and folders, for CI and pre-commit."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from drvls.cli.errors import UsageError, require_existing
from drvls.cli.output import FORMATS, write_report
from drvls.cli.progress import Progress
from drvls.cli.selection import keep_changed, take_shard
from drvls.cli.settings_flags import add_schema_flags, settings_from_args
from drvls.core import logs
from drvls.core.collector import gc_paused
from drvls.core.config import Settings, ignored_setting_warning, load_settings
from drvls.core.diagnostics import FileDiagnostics, Severity
from drvls.core.discovery import config_excludes, iter_files
from drvls.core.engine import check_path, check_source
from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile, analyzer_for

log = logs.Logger(__name__)
PARALLEL_THRESHOLD = 8  # below this many files, worker start-up costs more than it saves


def register(sub: Any) -> None:
    p = sub.add_parser("check", help="check files and folders; exit 1 when problems are found")
    p.add_argument("paths", nargs="*", type=Path, default=[Path(".")], metavar="PATH",
                   help="files and folders (default: .); `-` reads standard input (with --stdin-filename)")
    p.add_argument("--format", choices=sorted(FORMATS), default=os.environ.get("DRVLS_OUTPUT_FORMAT", "text"))
    p.add_argument("-o", "--output", type=Path, help="write the report to a file instead of stdout")
    p.add_argument("--fail-on", choices=["error", "warning", "information", "hint", "never"], default="error",
                   help="lowest severity that makes the exit status 1 (default: error)")
    p.add_argument("--exclude", action="append", default=[], metavar="PATTERN",
                   help="gitignore-style pattern of paths to skip (repeatable; adds to the config's `exclude`)")
    p.add_argument("--config-file", dest="config_file", type=Path, metavar="FILE",
                   help="use this drvls.toml (or pyproject.toml) instead of searching upward from each file")
    p.add_argument("-j", "--jobs", type=int, default=0, help="worker processes (default: one per core)")
    p.add_argument("--allow-empty", action="store_true",
                   help="exit 0 when there is no file to check (not under --require-signatures)")
    p.add_argument("--shard", type=parse_shard, metavar="I/N",
                   help="check only the I-th of N stable parts of the file list (1 ≤ I ≤ N)")
    p.add_argument("--changed-since", metavar="REV",
                   help="check only files changed since this git revision (committed, staged, unstaged, untracked)")
    p.add_argument("--fix", action="store_true",
                   help="apply the safe fixes (page rounding, write-only perms to rw, legacy pp, sorted CAmkES "
                   "imports) to the files checked, then report what is left")
    p.add_argument("--diff", action="store_true",
                   help="write nothing; print the safe fixes as a unified diff (exit 1 when a file would change)")
    p.add_argument("--stdin-filename", type=Path, metavar="PATH",
                   help="with `-`: the path standard input stands for (its family and settings)")
    add_schema_flags(p)
    p.set_defaults(handler=run)


def parse_shard(text: str) -> tuple[int, int]:
    index, _, total = text.partition("/")
    try:
        i, n = int(index), int(total)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected I/N such as 1/4, not {text!r}") from None
    if n < 1 or not 1 <= i <= n:
        raise argparse.ArgumentTypeError(f"expected 1 ≤ I ≤ N, not {text!r}")
    return i, n


def cli_settings(args: argparse.Namespace) -> dict[str, Any]:
    """Flags → the same keys a config file uses, so precedence is a plain merge."""
    return settings_from_args(args)


def _check_chunk(paths: list[str], cli: dict[str, Any], config_file: str | None,
                 roots: list[str], named: frozenset[str],
                 on_file: Callable[[FileDiagnostics], None] | None = None) -> list[FileDiagnostics]:
    """Check files in this process, sharing one workspace, one run session (for notes meant once
    per run) and the settings of each folder (the config file search gives the same answer there)."""
    workspace = DiskWorkspace([Path(r) for r in roots])
    session: dict[str, Any] = {}
    by_folder: dict[Path, Settings] = {}
    results = []
    for path in paths:
        file = Path(path)
        folder = file.resolve().parent
        if folder not in by_folder:
            by_folder[folder] = load_settings(file.resolve(), cli=cli,
                                              config_path=Path(config_file) if config_file else None)
        log.info("%s: %s", path, by_folder[folder].describe())
        ctx = AnalysisContext(settings=by_folder[folder], workspace=workspace, session=session)
        with gc_paused():  # until the analysis is dropped: freed by reference counts, never walked by a collection
            diagnostics = check_path(file, ctx, named=path in named).diagnostics
        results.append(FileDiagnostics(path=path, diagnostics=tuple(diagnostics)))
        if on_file is not None:
            on_file(results[-1])
    log.info("process %d checked %d files", os.getpid(), len(paths))
    return results


def _errors(results: list[FileDiagnostics]) -> int:
    return sum(1 for r in results for d in r.diagnostics if d.severity >= Severity.ERROR)


def check_files(files: Sequence[Path], cli: dict[str, Any], config_file: Path | None,
                roots: Sequence[Path], jobs: int, named: Sequence[Path] = (),
                progress: Progress | None = None) -> list[FileDiagnostics]:
    """Analyse files, in worker processes when there are enough of them; results in input order."""
    names = [str(f) for f in files]
    named_set = frozenset(str(n) for n in named)
    cfg = str(config_file) if config_file else None
    root_names = [str(r) for r in roots]
    workers = jobs or os.cpu_count() or 1
    if workers <= 1 or len(names) < PARALLEL_THRESHOLD:
        on_file = (lambda r: progress.advance(1, _errors([r]))) if progress is not None else None
        return _check_chunk(names, cli, cfg, root_names, named_set, on_file)
    from concurrent.futures import ProcessPoolExecutor, as_completed  # a one-file run need not import these

    log.info("checking %d files in %d worker processes", len(names), workers)
    size = max(1, len(names) // (workers * 4))
    chunks = [names[i:i + size] for i in range(0, len(names), size)]
    parts: dict[int, list[FileDiagnostics]] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_check_chunk, chunk, cli, cfg, root_names, named_set): i
                   for i, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            part = future.result()
            parts[futures[future]] = part
            if progress is not None:
                progress.advance(len(part), _errors(part))
    return [result for i in range(len(chunks)) for result in parts[i]]


def check_target_flags(cli: dict[str, Any]) -> None:
    """SDK flags that cannot work are errors, not a silent fall-back to the default target."""
    microkit = cli.get("microkit", {})
    sdk = microkit.get("sdk")
    if sdk is not None and not Path(sdk).is_dir():
        raise UsageError(f"--sdk: no such folder: {sdk}")
    if sdk is None and (microkit.get("board") is not None or microkit.get("config") is not None):
        raise UsageError("--board and --config name a board inside an SDK: pass --sdk DIR as well")


def select_files(args: argparse.Namespace, base: Settings) -> tuple[list[Path], list[Path]]:
    """The files this run covers (walk, excludes, changed-since, shard), and those named explicitly."""
    required = bool(base.section("signing").get("require_signatures"))
    excludes = list(args.exclude) + repository_excludes(base)
    files = list(iter_files(args.paths, excludes, every=required))
    named = [p for p in args.paths if p.is_file()]
    for path in named:
        if analyzer_for(path, named=True) is None:
            print(f"drvls: warning: {path}: no analyzer for this kind of file; skipped", file=sys.stderr)
    files = [f for f in files if analyzer_for(f, named=f in named) is not None]
    log.info("found %d checkable file%s: %s", len(files), "" if len(files) == 1 else "s",
             " ".join(str(f) for f in files) or "none")
    if not files:
        require = required
        if require or not args.allow_empty:
            where = " ".join(str(p) for p in args.paths)
            extra = "" if require else " (pass --allow-empty to accept that)"
            raise UsageError(f"no file to check in {where}: no .system, .camkes, .idl4, .drv or rule-source "
                             f"file{extra}")
    if args.changed_since is not None:
        files = keep_changed(files, args.changed_since, Path.cwd())
        log.info("%d changed since %s", len(files), args.changed_since)
    if args.shard is not None:
        files = take_shard(files, *args.shard)
        log.info("shard %d/%d: %d files", args.shard[0], args.shard[1], len(files))
    return files, named


def run(args: argparse.Namespace) -> int:
    cli = cli_settings(args)
    check_target_flags(cli)
    if args.config_file is not None and not args.config_file.is_file():
        raise UsageError(f"no such config file: {args.config_file}")
    if any(str(p) == "-" for p in args.paths):
        return run_stdin(args, cli)
    if args.stdin_filename is not None:
        raise UsageError("--stdin-filename needs `-` among the paths")
    require_existing(args.paths)
    base = load_settings(args.paths[0].resolve(), cli=cli, config_path=args.config_file)
    files, named = select_files(args, base)
    if args.output is not None:
        refuse_output_over_input(args.output, files)
    warn_ignored_settings(files, cli, args.config_file)
    # The workspace is where drvls runs, never the set of paths named: a file's verdict must not
    # depend on which other files are checked with it (CAmkES looks for the apps importing a file).
    roots = [Path.cwd()]
    if args.fix or args.diff:
        from drvls.cli.check_fix import fix_files  # a plain check need not import the fixers

        results, changed = fix_files(args, files, named, cli)
        if args.diff:
            return 1 if changed else 0
        write_report(results, args.format, args.output, base, quiet=args.quiet)
        return exit_status(results, args.fail_on)
    progress = Progress(len(files), enabled=not args.quiet)
    try:
        results = check_files(files, cli, args.config_file, roots, args.jobs, named, progress)
    finally:
        progress.close()
    write_report(results, args.format, args.output, base, quiet=args.quiet)
    return exit_status(results, args.fail_on)


def run_stdin(args: argparse.Namespace, cli: dict[str, Any]) -> int:
    """`drvls check - --stdin-filename PATH`: standard input checked as if it were PATH."""
    if len(args.paths) != 1:
        raise UsageError("`-` (standard input) cannot be combined with other paths")
    if args.fix or args.diff:
        raise UsageError("--fix and --diff rewrite files: they cannot be used with `-` (standard input)")
    if args.stdin_filename is None:
        raise UsageError("`-` needs --stdin-filename PATH to know the file's kind and settings")
    path = args.stdin_filename
    analyzer = analyzer_for(path, named=True)
    if analyzer is None:
        raise UsageError(f"--stdin-filename {path}: no analyzer for this kind of file")
    settings = load_settings(path.resolve(), cli=cli, config_path=args.config_file)
    log.info("%s (standard input): %s", path, settings.describe())
    data = sys.stdin.buffer.read(settings.max_file_size + 1)
    ctx = AnalysisContext(settings=settings, workspace=DiskWorkspace([path.resolve().parent]))
    analysis = check_source(SourceFile(path=path, data=data, text=""), ctx, analyzer)
    results = [FileDiagnostics(path=str(path), diagnostics=tuple(analysis.diagnostics))]
    write_report(results, args.format, args.output, settings, quiet=args.quiet)
    return exit_status(results, args.fail_on)


def refuse_output_over_input(output: Path, files: Sequence[Path]) -> None:
    """`-o` must never name a file being checked (or its signature): that would replace a source."""
    try:
        target = output.resolve()
    except (OSError, RuntimeError):
        return
    for file in files:
        source = file.resolve()
        if target in (source, source.with_name(source.name + ".sig")) or _same_file(output, file):
            raise UsageError(f"-o {output}: that is one of the files being checked; "
                             "the report would replace it (choose another output file)")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def warn_ignored_settings(files: Sequence[Path], cli: dict[str, Any], config_file: Path | None) -> None:
    """One warning per repository config file that tried to set a trust-relevant setting."""
    seen: set[Path] = set()
    for folder in sorted({f.resolve().parent for f in files}):
        settings = load_settings(folder / "-", cli=cli, config_path=config_file)
        warning = ignored_setting_warning(settings)
        if warning is not None and settings.config_file not in seen:
            seen.add(settings.config_file)  # type: ignore[arg-type]
            print(f"drvls: warning: {warning}", file=sys.stderr)


def repository_excludes(settings: Settings) -> list[str]:
    """The config file's `exclude` patterns (shared with the server), with its warning when dropped."""
    patterns, warning = config_excludes(settings)
    if warning:
        print(f"drvls: warning: {warning}", file=sys.stderr)
    return patterns


def exit_status(results: list[FileDiagnostics], fail_on: str) -> int:
    if fail_on == "never":
        return 0
    threshold = Severity.parse(fail_on)
    failing = any(d.severity >= threshold for r in results for d in r.diagnostics)
    return 1 if failing else 0


__all__ = ["Settings", "check_files", "cli_settings", "exit_status", "register", "run"]
