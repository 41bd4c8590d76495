"""`drvls compile`, `drvls decompile` and `drvls preview`: the `.drv` rule-file commands.

Exit status: 0 done, 1 an input file is invalid (nothing is written), 2 usage problems.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from drvls.cli.errors import UsageError
from drvls.core.atomic import atomic_write_bytes
from drvls.core.diagnostics import Severity


def register(sub: Any) -> None:
    p = sub.add_parser("compile", help="compile rule sources (CLAUDE.md, .cursorrules, …) into a .drv file")
    p.add_argument("sources", nargs="+", type=Path, metavar="SRC",
                   help="rule-source files, in order; a folder adds the rule sources in it, found by name")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT", help="the .drv file to write")
    p.set_defaults(handler=run_compile)

    d = sub.add_parser("decompile", help="turn a .drv file back into Markdown that compiles to the same bytes")
    d.add_argument("file", type=Path, metavar="FILE")
    d.add_argument("-o", "--output", type=Path, metavar="OUT", help="write here instead of stdout")
    d.set_defaults(handler=run_decompile)

    v = sub.add_parser("preview", help="show a .drv file's rules and metadata (version, counts, digest, signature)")
    v.add_argument("file", type=Path, metavar="FILE")
    v.add_argument("--format", choices=["md", "json"], default="md")
    v.set_defaults(handler=run_preview)


def error(message: str) -> int:
    print(f"drvls: error: {message}", file=sys.stderr)
    return 1


def run_compile(args: argparse.Namespace) -> int:
    from drvls.drv.compile import InputError, OutputError, compile_sources

    try:
        loaded = compile_sources(args.sources, args.output)
    except OutputError as exc:
        raise UsageError(str(exc)) from None
    except InputError as exc:
        return error(str(exc))
    for label, diag in loaded.problems:
        pos = diag.range.start
        print(f"{label}:{pos.line + 1}:{pos.character + 1}: {diag.severity.label}[{diag.code}] {diag.message}",
              file=sys.stderr)
    if loaded.has_errors:
        errors = sum(1 for _label, d in loaded.problems if d.severity >= Severity.ERROR)
        return error(f"{errors} error(s) in the sources; {args.output} was not written")
    return 0


def check_not_input(output: Path, source: Path) -> None:
    from drvls.drv.compile import OutputError, check_output

    try:
        check_output(output, [source])
    except OutputError as exc:
        raise UsageError(str(exc)) from None


def run_decompile(args: argparse.Namespace) -> int:
    from drvls.drv.decompile import DecoderMissing, DecompileError, decompile_path

    if args.output is not None:
        check_not_input(args.output, args.file)
    try:
        text = decompile_path(args.file)
    except DecompileError as exc:
        return error(str(exc))
    except DecoderMissing as exc:
        raise UsageError(str(exc)) from None
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        atomic_write_bytes(args.output, text.encode("utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    return 0


def run_preview(args: argparse.Namespace) -> int:
    from drvls.core.reading import ReadProblem, read_bounded
    from drvls.drv.preview import PreviewError, build_preview, render

    data = read_bounded(args.file)
    if isinstance(data, ReadProblem):
        return error(f"{args.file}: cannot read: {data.reason}")
    try:
        preview = build_preview(data, args.file.name)
    except PreviewError as exc:
        return error(str(exc))
    sys.stdout.write(render(preview, args.format))
    return 0
