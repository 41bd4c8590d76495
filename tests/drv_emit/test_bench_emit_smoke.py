"""The emit benchmark runs end to end on a small rule set and prints its figures and verdict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from drvls_process import drvls_env

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_emit.py"


def test_bench_emit_smoke() -> None:
    result = subprocess.run([sys.executable, str(BENCH), "--rules", "300", "--scopes", "10", "--rounds", "1"],
                            env=drvls_env(), capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("300 rules, 10 distinct scopes, 11 targets")
    rows = {line.split("  ")[1].strip(): line for line in out.splitlines() if line.startswith("  ")}
    for label in ("baseline (decompile)", "emit (plan)", "emit (write)", "emit --check", "write, batched",
                  "write, per file"):
        assert label in rows and rows[label].rstrip().endswith(" ms") and " cpu " in rows[label]
    assert "goal: emit (plan) to every target" in out
    assert "x the per-file writer" in out
    assert "within the goal" in out or "OVER the goal" in out
