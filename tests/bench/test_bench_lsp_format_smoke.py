"""The formatting benchmark runs end to end on a tiny system (through the real server), so it cannot rot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from drvls_process import drvls_env

REPO = Path(__file__).resolve().parents[2]


def test_bench_lsp_format_runs_on_a_tiny_system() -> None:
    result = subprocess.run([sys.executable, str(REPO / "bench" / "bench_lsp_format.py"), "--tiny", "--rounds", "3"],
                            cwd=REPO, env=drvls_env(), capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "baseline: xml.dom.minidom parse" in out and "baseline: unchanged diagnostic pull" in out
    assert out.count("  formatting, ") == 3 and out.count("  range formatting (50 lines), ") == 3
    assert "formatting, tidy" in out and "edits=0" in out.split("formatting, tidy", 1)[1].splitlines()[0]
    reindented = out.split("formatting, every line re-indented", 1)[1].splitlines()[0]
    assert "edits=0" not in reindented  # the answer is checked in the benchmark: the edits give the house style
