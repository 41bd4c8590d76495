"""`drvls check`: headless lint of files and folders, for CI and pre-commit."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from drvls.cli.errors import UsageError
from drvls.cli.output import FORMATS, write_report
from drvls.core.config import Settings, load_settings
from drvls.core.diagnostics import FileDiagnostics, Severity
from drvls.core.discovery import iter_files
from drvls.core.engine import check_path
from drvls.core.languages import AnalysisContext, DiskWorkspace, analyzer_for

log = logging.getLogger(__name__)
PARALLEL_THRESHOLD = 8  # below this many files, worker start-up costs more than it saves


def register(sub: Any) -> None:
    p = sub.add_parser("check", help="check files and folders; exit 1 when problems are found")
    p.add_argument("paths", nargs="*", type=Path, default=[Path(".")], metavar="PATH")
    p.add_argument("--format", choices=sorted(FORMATS), default=os.environ.get("DRVLS_OUTPUT_FORMAT", "text"))
    p.add_argument("-o", "--output", type=Path, help="write the report to a file instead of stdout")
    p.add_argument("--fail-on", choices=["error", "warning", "information", "hint", "never"], default="error",
                   help="lowest severity that makes the exit status 1 (default: error)")
    p.add_argument("--select", action="append", metavar="CODES", help="only these codes or prefixes (comma list)")
    p.add_argument("--ignore", action="append", metavar="CODES", help="skip these codes or prefixes (comma list)")
    p.add_argument("--exclude", action="append", default=[], metavar="PATTERN",
                   help="gitignore-style pattern of paths to skip (repeatable)")
    p.add_argument("--config-file", dest="config_file", type=Path, metavar="FILE",
                   help="use this drvls.toml (or pyproject.toml) instead of searching upward from each file")
    p.add_argument("--max-file-size", type=int, metavar="BYTES")
    p.add_argument("-j", "--jobs", type=int, default=0, help="worker processes (default: one per core)")
    mk = p.add_argument_group("Microkit target")
    mk.add_argument("--arch", choices=["aarch64", "riscv64", "x86_64"])
    mk.add_argument("--hypervisor", action=argparse.BooleanOptionalAction, default=None)
    mk.add_argument("--cores", type=int)
    mk.add_argument("--iommu", action=argparse.BooleanOptionalAction, default=None)
    mk.add_argument("--smc", action=argparse.BooleanOptionalAction, default=None)
    mk.add_argument("--num-domains", type=int, help="KernelNumDomains")
    mk.add_argument("--num-domain-schedules", type=int, help="KernelNumDomainSchedules")
    mk.add_argument("--vspace-top", metavar="HEX", help="user virtual address space top")
    mk.add_argument("--microkit-version", metavar="X.Y", choices=["2.0", "2.1", "2.2", "2.3"])
    mk.add_argument("--search-path", action="append", type=str, metavar="DIR",
                    help="where prefill_path files are looked up (repeatable; default: the file's folder)")
    mk.add_argument("--sdk", metavar="DIR", help="Microkit SDK folder")
    mk.add_argument("--board", help="SDK board name")
    # `--config` as the `microkit` tool spells it: the board configuration inside the SDK.
    mk.add_argument("--config", dest="board_config", metavar="NAME",
                    help="SDK board configuration (debug, release, …), with --sdk and --board")
    ck = p.add_argument_group("CAmkES")
    ck.add_argument("--import-path", action="append", metavar="DIR")
    ck.add_argument("--cpp-include", action="append", metavar="DIR")
    ck.add_argument("-D", dest="defines", action="append", metavar="NAME[=VALUE]")
    ck.add_argument("--allow-forward-references", action="store_true", default=None)
    sg = p.add_argument_group("Signatures")
    sg.add_argument("--require-signatures", action="store_true", default=None,
                    help="report every file without a valid signature from a trusted key")
    sg.add_argument("--trusted-keys", action="append", metavar="PATH", help="trusted public key file or folder")
    p.set_defaults(handler=run)


def _codes(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [c.strip() for v in values for c in v.split(",") if c.strip()]


def _absolute(values: list[str] | None) -> list[str] | None:
    return [str(Path(v).resolve()) for v in values] if values else None


def cli_settings(args: argparse.Namespace) -> dict[str, Any]:
    """Flags → the same keys a config file uses, so precedence is a plain merge."""
    vspace = None
    if args.vspace_top is not None:
        try:
            vspace = int(args.vspace_top, 16 if args.vspace_top.lower().startswith("0x") else 10)
        except ValueError as exc:
            raise UsageError(f"--vspace-top: not a number: {args.vspace_top}") from exc
    return {
        "select": _codes(args.select),
        "ignore": _codes(args.ignore),
        "max_file_size": args.max_file_size,
        "microkit": {
            "arch": args.arch, "hypervisor": args.hypervisor, "cores": args.cores, "iommu": args.iommu,
            "smc": args.smc, "num_domains": args.num_domains, "num_domain_schedules": args.num_domain_schedules,
            "user_vspace_top": vspace, "version": args.microkit_version,
            "search_path": _absolute(args.search_path), "sdk": str(Path(args.sdk).resolve()) if args.sdk else None,
            "board": args.board, "config": args.board_config,
        },
        "camkes": {
            "import_path": _absolute(args.import_path), "cpp_include": _absolute(args.cpp_include),
            "defines": args.defines, "allow_forward_references": args.allow_forward_references,
        },
        "signing": {"require_signatures": args.require_signatures,
                    "trusted_keys": _absolute(args.trusted_keys)},
    }


def _check_chunk(paths: list[str], cli: dict[str, Any], config_file: str | None,
                 roots: list[str], named: frozenset[str]) -> list[FileDiagnostics]:
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
        ctx = AnalysisContext(settings=by_folder[folder], workspace=workspace, session=session)
        diagnostics = check_path(file, ctx, named=path in named).diagnostics
        results.append(FileDiagnostics(path=path, diagnostics=tuple(diagnostics)))
    log.info("process %d checked %d files", os.getpid(), len(paths))
    return results


def check_files(files: Sequence[Path], cli: dict[str, Any], config_file: Path | None,
                roots: Sequence[Path], jobs: int, named: Sequence[Path] = ()) -> list[FileDiagnostics]:
    """Analyse files, in worker processes when there are enough of them; results in input order."""
    names = [str(f) for f in files]
    named_set = frozenset(str(n) for n in named)
    cfg = str(config_file) if config_file else None
    root_names = [str(r) for r in roots]
    workers = jobs or os.cpu_count() or 1
    if workers <= 1 or len(names) < PARALLEL_THRESHOLD:
        return _check_chunk(names, cli, cfg, root_names, named_set)
    from concurrent.futures import ProcessPoolExecutor  # here: a one-file run need not import multiprocessing

    log.info("checking %d files in %d worker processes", len(names), workers)
    size = max(1, len(names) // (workers * 4))
    chunks = [names[i:i + size] for i in range(0, len(names), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        parts = pool.map(_check_chunk, chunks, [cli] * len(chunks), [cfg] * len(chunks),
                         [root_names] * len(chunks), [named_set] * len(chunks))
        return [result for part in parts for result in part]


def run(args: argparse.Namespace) -> int:
    cli = cli_settings(args)
    for path in args.paths:
        if not path.exists():
            raise UsageError(f"no such file or folder: {path}")
    if args.config_file is not None and not args.config_file.is_file():
        raise UsageError(f"no such config file: {args.config_file}")
    base = load_settings(args.paths[0].resolve(), cli=cli, config_path=args.config_file)
    excludes = list(args.exclude) + repository_excludes(base)
    files = list(iter_files(args.paths, excludes))
    named = [p for p in args.paths if p.is_file()]
    for path in named:
        if analyzer_for(path, named=True) is None:
            print(f"drvls: warning: {path}: no analyzer for this kind of file; skipped", file=sys.stderr)
    files = [f for f in files if analyzer_for(f, named=f in named) is not None]
    # The workspace is where drvls runs, never the set of paths named: a file's verdict must not
    # depend on which other files are checked with it (CAmkES looks for the apps importing a file).
    roots = [Path.cwd()]
    results = check_files(files, cli, args.config_file, roots, args.jobs, named)
    write_report(results, args.format, args.output, base)
    return exit_status(results, args.fail_on)


def repository_excludes(settings: Settings) -> list[str]:
    """The config file's `exclude` patterns, except under a signature requirement: a repository must
    not be able to hide its own unsigned files from `--require-signatures` (use `--exclude` in CI)."""
    patterns = [str(e) for e in settings.get("exclude") or ()]
    if patterns and settings.section("signing").get("require_signatures"):
        print("drvls: warning: with --require-signatures the config file's `exclude` is not applied; "
              "pass --exclude on the command line instead", file=sys.stderr)
        return []
    return patterns


def exit_status(results: list[FileDiagnostics], fail_on: str) -> int:
    if fail_on == "never":
        return 0
    threshold = Severity.parse(fail_on)
    failing = any(d.severity >= threshold for r in results for d in r.diagnostics)
    return 1 if failing else 0


__all__ = ["Settings", "check_files", "cli_settings", "exit_status", "register", "run"]
