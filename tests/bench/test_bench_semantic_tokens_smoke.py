"""The semantic-token benchmark runs end to end on a tiny input (through the real server), so it cannot rot."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from drvls_process import drvls_env

REPO = Path(__file__).resolve().parents[2]


def test_bench_semantic_tokens_runs_on_a_tiny_input() -> None:
    result = subprocess.run([sys.executable, str(REPO / "bench" / "bench_semantic_tokens.py"), "--tiny",
                             "--rounds", "3"], cwd=REPO, env=drvls_env(), capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stderr
    for label in ("  baseline", "  full", "  delta after an edit", "  range (60 lines)"):
        assert result.stdout.count(label) == 1, result.stdout
    tokens = re.search(r"  full .* tokens=(\d+)", result.stdout)
    assert tokens and int(tokens.group(1)) > 100, "the generated app got no tokens"
