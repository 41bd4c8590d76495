"""The hover benchmark runs end to end on tiny inputs (through the real server), so it cannot rot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from drvls_process import drvls_env

REPO = Path(__file__).resolve().parents[2]


def test_bench_hover_runs_on_tiny_inputs() -> None:
    result = subprocess.run([sys.executable, str(REPO / "bench" / "bench_hover.py"), "--tiny", "--rounds", "3"],
                            cwd=REPO, env=drvls_env(), capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("  baseline") == 2, result.stdout  # once per input
    for label in ("hover region reference", "hover protection domain", "hover channel end", "hover program image",
                  "hover heading", "hover rule"):
        line = next(line for line in result.stdout.splitlines() if label in line)
        assert "answered=3/3" in line, f"a hover went unanswered: {line}"
