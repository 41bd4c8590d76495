"""A CAmkES file's verdict never depends on history: alone, with others, in any order, after other checks."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from camkes_helpers import camkes_corpus, write
from camkes_verdicts import entries, settings_for
from drvls.camkes.cache import CACHE
from drvls.core.config import Settings
from drvls.core.diagnostics import Diagnostic
from drvls.core.engine import check_path
from drvls.core.languages import AnalysisContext, DiskWorkspace
from drvls_process import drvls_env

# `b` imports only the component; `a` also imports the struct its attribute needs.
PROJECT = {
    "lib/types.camkes": "struct T { int a; };\n",
    "lib/comp.camkes": "component C { control; attribute T t; }\n",
    "app/a.camkes": 'import "../lib/types.camkes";\nimport "../lib/comp.camkes";\n'
                    "assembly { composition { component C c; } }\n",
    "app/b.camkes": 'import "../lib/comp.camkes";\nassembly { composition { component C c; } }\n',
}


def shown(diagnostics: list[Diagnostic]) -> list[tuple[str, str, int, int, str]]:
    return [(d.code, d.severity.label, d.range.start.line, d.range.start.character, d.message) for d in diagnostics]


def check(root: Path, name: str) -> list[tuple[str, str, int, int, str]]:
    ctx = AnalysisContext(settings=Settings({}), workspace=DiskWorkspace([root]))
    return shown(check_path(root / name, ctx).diagnostics)


def test_resolving_one_app_never_leaks_into_another(tmp_path: Path) -> None:
    """Resolution once wrote into the shared parsed files: after `a`, the struct `b` cannot see was known."""
    write(tmp_path, PROJECT)
    CACHE.clear()
    alone = check(tmp_path, "app/b.camkes")
    assert [c for c, *_ in alone] == ["CK026"]
    CACHE.clear()
    check(tmp_path, "app/a.camkes")
    assert check(tmp_path, "app/b.camkes") == alone


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_order_gives_every_file_the_same_diagnostics(tmp_path: Path, seed: int) -> None:
    write(tmp_path, PROJECT)
    names = sorted(PROJECT)
    alone = {}
    for name in names:
        CACHE.clear()
        alone[name] = check(tmp_path, name)
    CACHE.clear()
    order = names[:]
    random.Random(seed).shuffle(order)
    assert {name: check(tmp_path, name) for name in order} == alone


def cli(cwd: Path, *files: str) -> dict[str, list[str]]:
    done = subprocess.run([sys.executable, "-m", "drvls", "check", "--format", "text", *files], cwd=cwd,
                          env=drvls_env(), capture_output=True, text=True, check=False, timeout=120)
    out: dict[str, list[str]] = {}
    for line in done.stdout.splitlines():
        if line.endswith(".camkes") or ":" not in line or line.startswith(" "):
            continue
        out.setdefault(line.split(":")[0], []).append(line)
    return out


def test_cli_verdict_of_a_file_does_not_depend_on_the_other_files_named(tmp_path: Path) -> None:
    """`drvls check lib/comp.camkes` and `drvls check app/a.camkes app/b.camkes lib/comp.camkes` agree."""
    write(tmp_path, PROJECT)
    alone = cli(tmp_path, "lib/comp.camkes")
    together = cli(tmp_path, "app/a.camkes", "app/b.camkes", "lib/comp.camkes")
    folder = cli(tmp_path, ".")
    assert alone["lib/comp.camkes"] == together["lib/comp.camkes"] == folder["lib/comp.camkes"]
    assert "error[CK005]" in alone["lib/comp.camkes"][0]  # app b, which imports it, lacks `T`


@pytest.mark.slow
def test_corpus_files_alone_and_in_shuffled_runs_agree() -> None:
    corpus = camkes_corpus()
    chosen = entries()

    def run(order: list[dict[str, object]], fresh: bool) -> dict[str, list[tuple[str, str, int, int, str]]]:
        out = {}
        for entry in order:
            if fresh:
                CACHE.clear()
            path = str(entry["path"])
            ctx = AnalysisContext(settings=settings_for(entry), workspace=DiskWorkspace([corpus / path.split("/")[0]]))
            out[path] = shown(check_path(corpus / path, ctx).diagnostics)
        return out

    alone = run(chosen, fresh=True)
    for seed in (7, 8):
        order = chosen[:]
        random.Random(seed).shuffle(order)
        CACHE.clear()
        assert run(order, fresh=False) == alone
