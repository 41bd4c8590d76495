"""Smoke test of bench/bench_preview.py: it runs end to end on tiny systems (timings are not judged)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from drvls_process import drvls_env
from prerequisites import skip_or_fail

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_preview.py"


@pytest.mark.slow
def test_bench_preview_smoke() -> None:
    if shutil.which("dot") is None or shutil.which("chromium") is None:
        skip_or_fail("the preview benchmark needs Graphviz and Debian's chromium (apt-get install graphviz chromium)")
    done = subprocess.run([sys.executable, str(BENCH), "--smoke"], env=drvls_env(), capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines[:2]] == ["6", "20"]
    assert all("x check" in line and "without scripts" in line for line in lines[:2])
