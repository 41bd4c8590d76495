"""The completion benchmark runs end to end on a tiny system (through the real server), so it cannot rot."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from drvls_process import drvls_env

REPO = Path(__file__).resolve().parents[2]
KINDS = ("map@mr: region names", "map@vaddr: next free address", "end@id: free channel id",
         "attribute names in <map>", "elements inside a PD", "system-level snippets", "after a valid edit",
         "after typing")


def test_bench_completion_runs_on_a_tiny_system() -> None:
    result = subprocess.run([sys.executable, str(REPO / "bench" / "bench_completion.py"), "--tiny", "--rounds", "3"],
                            cwd=REPO, env=drvls_env(), capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert "  baseline" in result.stdout
    for kind in KINDS:
        line = next((row for row in result.stdout.splitlines() if row.strip().startswith(kind)), None)
        assert line is not None, result.stdout
        items = re.search(r"items=(\d+)", line)
        assert items is not None and int(items.group(1)) > 0, line  # a fast empty answer would prove nothing
