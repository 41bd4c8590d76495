"""`drvls preview FILE [--format html|svg|md|json|jsonld] [-o OUT]`: draw a system, or show a `.drv`.

`.system` and `.camkes` files get the system graph, memory maps and isolation report; `.drv`
files their rules and metadata (md, json, or html in the same page style).
Exit status: 0 written, 1 the file cannot be previewed or a needed tool is missing, 2 usage.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from drvls.cli.drv_commands import check_not_input, error, write_output
from drvls.cli.errors import UsageError, require_existing

FORMATS = ("html", "svg", "md", "json", "jsonld")
DRV_FORMATS = ("md", "json", "html")


def register(sub: Any) -> None:
    v = sub.add_parser("preview", help="draw a .system or .camkes file (graph, memory maps, isolation report), "
                                       "or show a .drv file's rules and metadata")
    v.add_argument("file", type=Path, metavar="FILE")
    v.add_argument("--format", choices=FORMATS, default="md", help="output format (default: md)")
    v.add_argument("-o", "--output", type=Path, metavar="OUT", help="write here instead of stdout")
    v.set_defaults(handler=run_preview)


def run_preview(args: argparse.Namespace) -> int:
    require_existing([args.file])
    if args.output is not None:
        check_not_input(args.output, args.file)
    # Anything but a system description is read as a `.drv` (whatever its name), as before.
    text_or_code = _system(args) if args.file.suffix in (".system", ".camkes") else _drv(args)
    if isinstance(text_or_code, int):
        return text_or_code
    write_output(args.output, text_or_code)
    return 0


def _drv(args: argparse.Namespace) -> str | int:
    from drvls.drv.preview import PreviewError, build_preview, render

    if args.format not in DRV_FORMATS:
        raise UsageError(f"--format {args.format} is for .system and .camkes files; a .drv preview is "
                         f"one of {', '.join(DRV_FORMATS)}")
    from drvls.core.reading import ReadProblem, read_bounded

    data = read_bounded(args.file)  # a FIFO or a device named as the file never blocks
    if isinstance(data, ReadProblem):
        return error(f"{args.file}: cannot read: {data.reason}")
    try:
        preview = build_preview(data, args.file.name)
    except PreviewError as exc:
        return error(str(exc))
    if args.format == "html":
        from drvls.views.drv_page import render as page

        return page(preview)
    return render(preview, args.format)


def _system(args: argparse.Namespace) -> str | int:
    from drvls.core.config import load_settings
    from drvls.core.diagnostics import Diagnostic
    from drvls.core.engine import read_source
    from drvls.core.languages import AnalysisContext, DiskWorkspace
    from drvls.views.build import ViewError, view_of
    from drvls.views.render import render
    from drvls.views.render_dot import DotError

    path: Path = args.file
    settings = load_settings(path.resolve())
    source = read_source(path, settings.max_file_size)
    if isinstance(source, Diagnostic):
        return error(f"{path}: {source.message}")
    ctx = AnalysisContext(settings=settings, workspace=DiskWorkspace([path.parent.absolute()]),
                          session={"interface": "cli"})
    try:
        view = view_of(source, ctx)
        return render(view, args.format)
    except (ViewError, DotError) as exc:
        return error(str(exc))
