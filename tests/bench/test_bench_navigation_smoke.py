"""The navigation benchmark runs end to end on tiny inputs (through the real server), so it cannot rot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from drvls_process import drvls_env

REPO = Path(__file__).resolve().parents[2]


def test_bench_navigation_runs_on_tiny_inputs() -> None:
    result = subprocess.run([sys.executable, str(REPO / "bench" / "bench_navigation.py"), "--tiny", "--rounds", "3"],
                            cwd=REPO, env=drvls_env(), capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    for label in ("  baseline", "  definition", "  references", "  document symbols",
                  "  server CPU per document symbols"):
        assert result.stdout.count(label) == 2, result.stdout  # once per input
    rules = result.stdout.split("rule source (tiny)")[1]
    assert "results=1" in rules.split("definition", 1)[1].splitlines()[0], "a rule anchor found no definition"
