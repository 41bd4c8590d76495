"""Every benchmark still runs: each script of `bench/` on a tiny input, checked to print its figures.

A smoke run measures nothing worth reading; it keeps the scripts from rotting as the code they
time changes. A new script without an entry here fails `test_every_benchmark_has_a_smoke_run`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prerequisites import corpus_path

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench"

# script → (arguments for a tiny run, corpus folder it reads or None, lines the output must contain)
RUNS: dict[str, tuple[list[str], str | None, list[str]]] = {
    "bench_camkes_check.py": (["--files", "6"], "camkes", ["corpus ", "edit "]),
    "bench_camkes_parse.py": (["--rounds", "1", "--edits", "50"], "camkes",
                              ["incremental_ms_median=", "throughput_mb_s="]),
    "bench_drv.py": (["--rules", "50", "--big-mb", "1"], None, ["(a)", "(e)"]),
    "bench_lsp.py": (["--edits", "3"], "microkit", ["server_incremental_edit_to_diagnostics_ms="]),
    "bench_microkit.py": (["--pds", "4", "--maps", "8", "--edits", "4", "--repeats", "1"], None,
                          ["(a) full check", "(b) keystroke", "(c) 2 GB file"]),
    "bench_scale.py": (["--quick"], None, ["(a) full check", "growth exponent", "(b) keystroke", "median",
                                           "ms/edit", "(c) in-process check", "depth exponent"]),
    "bench_signing.py": (["--files", "3", "--big-mb", "1"], None, ["(a)", "(e)"]),
    "bench_startup.py": (["--rounds", "2"], None, ["python -c pass", "drvls check one.system",
                                                   "x python start-up"]),
}

GOAL_STATUS = {"bench_drv.py"}  # exit status 1: a goal was missed
# Benchmarks whose smoke test sits with the feature's own tests.
SMOKED_ELSEWHERE = {
    "bench_completion.py": "tests/bench/test_bench_completion_smoke.py",
    "bench_emit.py": "tests/drv_emit/test_bench_emit_smoke.py",
    "bench_format.py": "tests/format/test_format_bench.py",
    "bench_hover.py": "tests/bench/test_bench_hover_smoke.py",
    "bench_images.py": "tests/microkit/test_microkit_images_bench.py",
    "bench_lsp_format.py": "tests/bench/test_bench_lsp_format_smoke.py",
    "bench_navigation.py": "tests/bench/test_bench_navigation_smoke.py",
    "bench_preview.py": "tests/views/test_views_bench.py",
    "bench_semantic_tokens.py": "tests/bench/test_bench_semantic_tokens_smoke.py",
    "bench_rename.py": "tests/bench/test_bench_rename_smoke.py",
}


def test_every_benchmark_has_a_smoke_run() -> None:
    assert sorted(p.name for p in BENCH.glob("bench_*.py")) == sorted([*RUNS, *SMOKED_ELSEWHERE])  # not helpers
    for script, test in SMOKED_ELSEWHERE.items():
        assert script in (REPO / test).read_text(encoding="utf-8"), test


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(RUNS))
def test_benchmark_runs_on_a_tiny_input(script: str) -> None:
    args, corpus, expected = RUNS[script]
    if corpus is not None:
        corpus_path(corpus)
    env = dict(os.environ, PYTHONPATH=str(REPO / "server"))
    done = subprocess.run([sys.executable, str(BENCH / script), *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=600)
    # Some scripts exit 1 when a goal is missed, which tiny inputs may well do; a crash is never accepted.
    assert done.returncode in ((0, 1) if script in GOAL_STATUS else (0,)), done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    for needle in expected:
        assert needle in done.stdout, (needle, done.stdout[-3000:])
    assert "skipped" not in done.stdout, done.stdout[-3000:]
