"""`drvls port APP.camkes -o APP.system [--report port.md]`: a CAmkES app ported to a Microkit system.

Exit status: 0 written; 1 the app has errors camkes-tool would reject (listed, nothing written);
2 usage problems (no such file, an output that is the input, a file that is not an app).
Outputs are written atomically; only the files named with `-o` and `--report` are written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drvls.cli.errors import UsageError
from drvls.core.atomic import atomic_write_bytes
from drvls.core.config import load_settings
from drvls.core.languages import DiskWorkspace
from drvls.core.reading import ReadProblem, read_bounded

if TYPE_CHECKING:
    from drvls.camkes.model import Problem


def register(sub: Any) -> None:
    p = sub.add_parser("port", help="port a CAmkES app to a Microkit .system file, with a report of what is "
                                    "left to write by hand")
    p.add_argument("app", type=Path, metavar="APP.camkes", help="the CAmkES file holding the assembly")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.system", help="the system to write")
    p.add_argument("--report", type=Path, metavar="FILE.md", help="also write the Markdown report here")
    p.add_argument("--config-file", type=Path, metavar="FILE", help="use this drvls.toml instead of the nearest")
    p.set_defaults(handler=run)


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def check_outputs(app: Path, output: Path, report: Path | None) -> None:
    """Never overwrite the input, and never write both outputs to one file."""
    for out, option in ((output, "-o"), (report, "--report")):
        if out is None:
            continue
        if _same(out, app):
            raise UsageError(f"{option} {out} is the app being ported: name another file")
        if out.is_dir():
            raise UsageError(f"{option} {out} is a folder: name a file")
        if out.is_symlink():
            raise UsageError(f"{option} {out} is a symbolic link: name the file itself")
    if report is not None and _same(report, output):
        raise UsageError("-o and --report name the same file")


def run(args: argparse.Namespace) -> int:
    app: Path = args.app
    if args.config_file is not None and not args.config_file.is_file():
        raise UsageError(f"no such config file: {args.config_file}")
    data = read_bounded(app)
    if isinstance(data, ReadProblem):
        raise UsageError(f"cannot read {app}: {data.reason}")
    check_outputs(app, args.output, args.report)
    text = data.decode("utf-8", "replace")
    settings = load_settings(app.resolve(), config_path=args.config_file)
    from drvls.port.run import port_app  # here: `drvls check` must not load the CAmkES family

    result = port_app(app, text, settings, DiskWorkspace())
    if result.errors:
        for problem in result.errors:
            print(_located(problem, app), file=sys.stderr)
        print(f"drvls: {app}: not ported: {len(result.errors)} error(s) camkes-tool would reject", file=sys.stderr)
        return 1
    if result.ported is None:
        raise UsageError(f"{app} has no assembly: name the file of the app")
    atomic_write_bytes(args.output, result.system.encode("utf-8"))
    if args.report is not None:
        atomic_write_bytes(args.report, result.report.encode("utf-8"))
    notes = len(result.ported.notes())
    print(f"{args.output}: {len(result.ported.pds)} protection domains, {len(result.ported.channels)} channels; "
          f"{notes} item(s) to write by hand, {len(result.ported.warnings)} warning(s)", file=sys.stderr)
    return 0


def _located(problem: Problem, app: Path) -> str:
    where = problem.loc.path or app
    start = problem.loc.range.start
    return f"{where}:{start.line + 1}:{start.character + 1}: {problem.rule.code} {problem.message}"
