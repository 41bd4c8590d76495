"""`drvls format`: rewrite `.system`, `.camkes` and `.idl4` files in the one house style, like `ruff format`.

Exit status: 0 done (or, with `--check`, nothing would change); 1 with `--check` a file would
change, or a file was refused (not well-formed, a cpp template, unbalanced braces: left as it
is); 2 usage problems. Files are rewritten only when their text changes, atomically.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path
from typing import Any

from drvls.cli.errors import UsageError
from drvls.core.atomic import atomic_write_bytes
from drvls.core.config import load_settings
from drvls.core.discovery import iter_files
from drvls.core.formatting import Refused, formatter_for
from drvls.core.reading import ReadProblem, read_bounded


def register(sub: Any) -> None:
    p = sub.add_parser("format", help="format .system, .camkes and .idl4 files (indentation, one attribute layout)")
    p.add_argument("paths", nargs="*", type=Path, default=[Path(".")], metavar="PATH",
                   help="files and folders (default: the current folder)")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file would change")
    p.add_argument("--diff", action="store_true", help="change nothing; print what would change as a diff")
    p.add_argument("--exclude", action="append", default=[], metavar="PATTERN", help="gitignore-style pattern")
    p.add_argument("--config-file", type=Path, metavar="FILE", help="use this drvls.toml instead of the nearest")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    for path in args.paths:
        if not path.exists():
            raise UsageError(f"no such file or folder: {path}")
    if args.config_file is not None and not args.config_file.is_file():
        raise UsageError(f"no such config file: {args.config_file}")
    files = [f for f in iter_files(args.paths, args.exclude) if formatter_for(f) is not None]
    for named in (p for p in args.paths if p.is_file() and formatter_for(p) is None):
        print(f"drvls: warning: {named}: no formatter for this kind of file; skipped", file=sys.stderr)
    changed = refused = 0
    for path in files:
        outcome = format_one(path, args)
        changed += outcome == "changed"
        refused += outcome == "refused"
    verb = "would be reformatted" if args.check or args.diff else "reformatted"
    print(f"{changed} file(s) {verb}, {len(files) - changed - refused} unchanged"
          + (f", {refused} left as they are" if refused else ""), file=sys.stderr)
    return 1 if refused or ((args.check or args.diff) and changed) else 0


def format_one(path: Path, args: argparse.Namespace) -> str:
    """Format one file: "changed", "unchanged" or "refused" (the reason is printed)."""
    formatter = formatter_for(path)
    assert formatter is not None
    data = read_bounded(path)
    if isinstance(data, ReadProblem):
        print(f"{path}: not formatted: cannot read file: {data.reason}", file=sys.stderr)
        return "refused"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        print(f"{path}: not formatted: the file is not UTF-8 text", file=sys.stderr)
        return "refused"
    settings = load_settings(path.resolve(), config_path=args.config_file)
    result = formatter(text, settings)
    if isinstance(result, Refused):
        print(f"{path}: not formatted: {result.reason}", file=sys.stderr)
        return "refused"
    if result == text:
        return "unchanged"
    if args.diff:
        sys.stdout.writelines(difflib.unified_diff(text.splitlines(keepends=True), result.splitlines(keepends=True),
                                                   f"{path}", f"{path} (formatted)"))
    elif args.check:
        print(f"would reformat {path}", file=sys.stderr)
    else:
        atomic_write_bytes(path, result.encode("utf-8"))
    return "changed"
