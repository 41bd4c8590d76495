"""`drvls emit RULES.drv --to cursor,claude,… [-o DIR] [--check] [--force]`: every assistant's rule files.

Exit status: 0 done (or, with --check, everything up to date); 1 drift found by --check, a file
refused (hand-edited without --force, or not ours) or an invalid source; 2 usage problems.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from drvls.cli.errors import UsageError


def register(sub: Any) -> None:
    p = sub.add_parser("emit", help="write a .drv rule set as each assistant's rule files (Cursor, Copilot, "
                       "Claude, AGENTS.md, …), or check them with --check")
    p.add_argument("source", type=Path, metavar="RULES.drv", help="the compiled rule set")
    p.add_argument("--to", metavar="TARGETS", help="comma-separated targets (default: `[rules] targets` in "
                   "drvls.toml): cursor, copilot, claude, agents, windsurf, cline, aider, gemini, roo, kiro, junie")
    p.add_argument("-o", "--output", type=Path, metavar="DIR", help="the folder to write into (default: the "
                   "source's folder)")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file is missing, stale or "
                   "edited by hand")
    p.add_argument("--force", action="store_true", help="overwrite generated files that were edited by hand")
    p.set_defaults(handler=run_emit)


def targets_for(args: argparse.Namespace) -> list[str]:
    from drvls.core.config import load_settings
    from drvls.drv.emit.apply import TargetError, check_targets

    if args.to is not None:
        names = [n for n in args.to.split(",") if n.strip()]
    else:
        configured = load_settings(args.source).section("rules").get("targets")
        if not isinstance(configured, list) or not all(isinstance(n, str) for n in configured):
            raise UsageError("name the targets with --to, or set `[rules] targets = [...]` in drvls.toml")
        names = configured
    try:
        return check_targets(names)
    except TargetError as exc:
        raise UsageError(str(exc)) from None


def run_emit(args: argparse.Namespace) -> int:
    from drvls.drv.emit.apply import Status, apply
    from drvls.drv.emit.plan import describe_drops
    from drvls.drv.emit.source import EmitError, load_source

    targets = targets_for(args)
    root = args.output if args.output is not None else (args.source.parent if str(args.source.parent) else Path("."))
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} is not a folder")
    try:
        ruleset, source = load_source(args.source, root)
    except EmitError as exc:
        print(f"drvls: error: {exc}", file=sys.stderr)
        return 1
    plan, outcome = apply(root, ruleset, source, targets, force=args.force, check=args.check)
    for name in targets:
        if plan.dropped.get(name):
            print(f"{name}: drops {describe_drops(plan.dropped[name])} (the tool cannot scope them)",
                  file=sys.stderr)
    if args.check:
        for state in outcome.drift:
            print(f"{root / state.path}: {state.status.value}")
        return 1 if outcome.drift else 0
    for state in outcome.refused:
        why = ("was edited by hand; edit the source instead, or pass --force to overwrite it"
               if state.status is Status.EDITED else "was not written by drvls emit, so it is never overwritten")
        print(f"drvls: error: {root / state.path} {why}", file=sys.stderr)
    if outcome.refused:
        return 1
    for path in outcome.written:
        print(f"wrote {root / path}")
    for path in outcome.removed:
        print(f"removed {root / path} (no longer generated)")
    return 0
