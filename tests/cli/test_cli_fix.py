"""`drvls check --fix` and `--diff` on copies of real corpus files: only safe fixes, only the files
named, atomically, idempotent, reporting what changed; the exit status says what is left."""

from __future__ import annotations

import sys
from pathlib import Path

from drvls.core.code_actions import Action
from drvls.core.diagnostics import Fix, Range, TextEdit
from drvls.core.fixing import apply_fixes, non_overlapping
from drvls.core.text import LineIndex
from drvls_process import run_drvls
from prerequisites import corpus_path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "camkes"))
from camkes_verdicts import CORPUS as CAMKES_CORPUS

SYSTEM = "au-ts__libmicrokitco/example/benchmarks/validation_2_notify/validation_notify.system"
CAMKES_APP = "seL4__camkes/apps/simple/simple.camkes"
IGNORE = ("--ignore", "MK201")  # the program images are never built here


def _system(tmp_path: Path, name: str = "app.system") -> tuple[Path, str]:
    """A copy of an accepted corpus system, broken in three ways only safe fixes cure."""
    original = (corpus_path("microkit", required_file="verdicts.json") / SYSTEM).read_text(encoding="utf-8")
    broken = (original.replace('perms="rw"', 'perms="w"', 1)
              .replace('phys_addr="0xff80_3000"', 'phys_addr="0xff803100"'))
    broken = broken.replace('vaddr="0x5_000_000" perms="rw"', 'vaddr="0x5000100" perms="rw"')
    path = tmp_path / name
    path.write_text(broken, encoding="utf-8")
    return path, original


def test_fix_applies_the_safe_fixes_and_reports_them(tmp_path: Path) -> None:
    path, original = _system(tmp_path)
    done = run_drvls("check", "--fix", *IGNORE, path.name, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "fixed app.system: 1 × MK030, 1 × MK034, 1 × MK041" in done.stderr
    expected = (original.replace('phys_addr="0xff80_3000"', 'phys_addr="0xff803000"')
                .replace('vaddr="0x5_000_000" perms="rw" cached="false" setvar_vaddr="uart_base"/>',
                         'vaddr="0x5001000" perms="rw" cached="false" setvar_vaddr="uart_base"/>'))
    assert path.read_text(encoding="utf-8") == expected
    assert "All clean" in done.stdout


def test_a_second_fix_changes_nothing(tmp_path: Path) -> None:
    path, _ = _system(tmp_path)
    run_drvls("check", "--fix", *IGNORE, path.name, cwd=tmp_path)
    once = path.read_bytes()
    again = run_drvls("check", "--fix", *IGNORE, path.name, cwd=tmp_path)
    assert again.returncode == 0 and "0 fix(es) in 0 file(s) fixed" in again.stderr
    assert path.read_bytes() == once


def test_diff_prints_the_fixes_and_writes_nothing(tmp_path: Path) -> None:
    path, _ = _system(tmp_path)
    before = path.read_bytes()
    done = run_drvls("check", "--diff", *IGNORE, path.name, cwd=tmp_path)
    assert done.returncode == 1
    assert '-        <map mr="uart" vaddr="0x5_000_000" perms="w"' in done.stdout
    assert '+        <map mr="uart" vaddr="0x5_000_000" perms="rw"' in done.stdout
    assert path.read_bytes() == before
    assert "3 fix(es) in 1 file(s) would be fixed" in done.stderr
    run_drvls("check", "--fix", *IGNORE, path.name, cwd=tmp_path)
    assert run_drvls("check", "--diff", *IGNORE, path.name, cwd=tmp_path).returncode == 0


def test_fix_never_touches_a_file_not_named(tmp_path: Path) -> None:
    named, _ = _system(tmp_path, "named.system")
    other, _ = _system(tmp_path, "other.system")
    untouched = other.read_bytes()
    done = run_drvls("check", "--fix", *IGNORE, named.name, cwd=tmp_path)
    assert done.returncode == 0
    assert other.read_bytes() == untouched
    assert "other.system" not in done.stderr + done.stdout


def test_unsafe_fixes_stay_for_the_editor_and_the_exit_status_says_so(tmp_path: Path) -> None:
    path, _ = _system(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace('<end pd="start"', '<end pd="strat"'),
                    encoding="utf-8")
    done = run_drvls("check", "--fix", *IGNORE, path.name, cwd=tmp_path)
    assert done.returncode == 1
    assert "MK060" in done.stdout and 'pd="strat"' in path.read_text(encoding="utf-8")


def test_fix_sorts_the_imports_of_a_camkes_app(tmp_path: Path) -> None:
    source = CAMKES_CORPUS / CAMKES_APP
    if not source.is_file():
        corpus_path("camkes", required_file=CAMKES_APP)
    lines = source.read_text(encoding="utf-8").split("\n")
    first = next(i for i, line in enumerate(lines)
                 if line.startswith("import ") and lines[i + 1].startswith("import "))  # two in a row, in order
    shuffled = list(lines)
    shuffled[first], shuffled[first + 1] = lines[first + 1], lines[first]
    path = tmp_path / "simple.camkes"
    path.write_text("\n".join(shuffled), encoding="utf-8")
    done = run_drvls("check", "--diff", path.name, cwd=tmp_path)
    assert done.returncode == 1 and "1 × organize-imports" in done.stderr
    run_drvls("check", "--fix", path.name, cwd=tmp_path)
    assert path.read_text(encoding="utf-8") == "\n".join(lines)


def _fix(start: tuple[int, int], end: tuple[int, int], new: str) -> Fix:
    return Fix("t", (TextEdit(Range.at(start[0], start[1], end[0], end[1]), new),), safe=True)


def test_overlapping_fixes_wait_for_the_next_round() -> None:
    """Of two fixes over the same text only the first is applied; the second is left, not merged."""
    text = 'perms="w" vaddr="0x1"\n'
    first, second = _fix((0, 7), (0, 8), "rw"), _fix((0, 0), (0, 9), 'perms="r"')
    third = _fix((0, 17), (0, 20), "0x1000")
    chosen = non_overlapping([Action("A", "quickfix", f) for f in (first, second, third)], LineIndex(text))
    assert [a.fix for a in chosen] == [first, third]
    assert apply_fixes(text, [a.fix for a in chosen]) == 'perms="rw" vaddr="0x1000"\n'
