"""The rename benchmark runs end to end on a tiny input (through the real server), so it cannot rot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from drvls_process import drvls_env

REPO = Path(__file__).resolve().parents[2]


def test_bench_rename_runs_on_a_tiny_input() -> None:
    result = subprocess.run([sys.executable, str(REPO / "bench" / "bench_rename.py"), "--tiny", "--rounds", "3"],
                            cwd=REPO, env=drvls_env(), capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    for label in ("  baseline", "  references", "  prepareRename", "  rename"):
        assert label in result.stdout, result.stdout
    rename_row = next(line for line in result.stdout.splitlines() if line.startswith("  rename"))
    assert "results=6" in rename_row, "the rename did not edit the region's definition and its five maps"
    prepare_row = next(line for line in result.stdout.splitlines() if line.startswith("  prepareRename"))
    assert "results=1" in prepare_row, "prepareRename found no name at a map of the region"
