"""`drvls check --fix` and `--diff`: apply the safe fixes of the files being checked, like
`ruff check --fix`.

Only the files this run checks are ever written, each atomically and only when its text changes;
a file that is not valid UTF-8 is never rewritten (its bad bytes would be lost). After fixing, the
report and the exit status are those of the fixed text. `--diff` writes nothing, prints a unified
diff, and exits 1 when some file would change.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from drvls.core.atomic import atomic_write_bytes
from drvls.core.config import load_settings
from drvls.core.diagnostics import FileDiagnostics
from drvls.core.engine import check_path, check_source, read_source
from drvls.core.fixing import FixOutcome, fix_text, summary
from drvls.core.languages import Analysis, AnalysisContext, DiskWorkspace, SourceFile, analyzer_for

BOM = b"\xef\xbb\xbf"


def fix_file(path: Path, ctx: AnalysisContext, named: bool) -> tuple[FixOutcome | None, Analysis, bytes]:
    """The fix outcome of one file (None when it cannot be fixed as text), its final analysis, and
    the byte-order mark it starts with (kept when it is written)."""
    analyzer = analyzer_for(path, named)
    loaded = read_source(path, ctx.settings.max_file_size)
    if analyzer is None or analyzer.binary or not isinstance(loaded, SourceFile):
        return None, check_path(path, ctx, named), b""
    data = loaded.data
    bom = BOM if data.startswith(BOM) else b""
    try:
        text = data[len(bom):].decode("utf-8")
    except UnicodeDecodeError:
        return None, check_path(path, ctx, named), b""

    def analyse(current: str) -> Analysis:
        return check_source(SourceFile(path=path, data=bom + current.encode("utf-8"), text=""), ctx, analyzer)

    outcome = fix_text(path, text, analyse)
    return outcome, outcome.analysis, bom


def fix_files(args: argparse.Namespace, files: list[Path], named: list[Path],
              cli: dict[str, Any]) -> tuple[list[FileDiagnostics], int]:
    """Fix (or, with `--diff`, show the fixes of) every file of the run: what is left in each file,
    and how many files changed (or would change)."""
    workspace = DiskWorkspace([Path.cwd()])
    session: dict[str, Any] = {}
    named_set = {str(n) for n in named}
    results: list[FileDiagnostics] = []
    total: Counter[str] = Counter()
    changed = 0
    for path in files:
        settings = load_settings(path.resolve(), cli=cli, config_path=args.config_file)
        ctx = AnalysisContext(settings=settings, workspace=workspace, session=session)
        outcome, analysis, bom = fix_file(path, ctx, str(path) in named_set)
        results.append(FileDiagnostics(path=str(path), diagnostics=tuple(analysis.diagnostics)))
        if outcome is None or not outcome.changed:
            continue
        changed += 1
        total.update(outcome.applied)
        if args.diff:
            sys.stdout.writelines(difflib.unified_diff(outcome.original.splitlines(keepends=True),
                                                       outcome.text.splitlines(keepends=True),
                                                       f"{path}", f"{path} (fixed)"))
            print(f"would fix {path}: {summary(outcome.applied)}", file=sys.stderr)
        else:
            atomic_write_bytes(path, bom + outcome.text.encode("utf-8"))
            print(f"fixed {path}: {summary(outcome.applied)}", file=sys.stderr)
    verb = "would be fixed" if args.diff else "fixed"
    fixes = sum(total.values())
    print(f"{fixes} fix(es) in {changed} file(s) {verb}" + (f" ({summary(total)})" if fixes else ""),
          file=sys.stderr)
    return results, changed
