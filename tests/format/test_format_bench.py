"""Smoke test of `bench/bench_format.py`: it runs on a tiny system and prints its figures."""

from __future__ import annotations

import subprocess
import sys

from drvls_process import REPO, drvls_env


def test_bench_format_quick_run_prints_its_figures() -> None:
    done = subprocess.run([sys.executable, str(REPO / "bench" / "bench_format.py"), "--quick"], cwd=REPO,
                          env=drvls_env(), capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "xml.dom.minidom parse (baseline)" in done.stdout and "drvls format" in done.stdout
