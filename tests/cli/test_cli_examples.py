"""The shipped examples: clean under `drvls check`, and the compiled `.drv` in step with its sources."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from drvls_process import run_drvls

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


def drvls(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return run_drvls(*args, cwd=cwd)


def test_examples_have_no_errors_or_warnings() -> None:
    # The examples ship no built program images: MK201 says so for each PD, and is all there is.
    unbuilt = drvls("check", "--format", "json", "--select", "MK2", "examples")
    assert unbuilt.returncode == 0 and {i["code"] for i in json.loads(unbuilt.stdout)} == {"MK201"}
    result = drvls("check", "--format", "json", "--fail-on", "warning", "--ignore", "MK201", "examples")
    assert result.returncode == 0, result.stdout + result.stderr
    items = json.loads(result.stdout)
    assert [i["code"] for i in items] == ["CK023"]


def test_every_family_is_represented() -> None:
    suffixes = {p.suffix for p in EXAMPLES.rglob("*") if p.is_file()}
    assert {".system", ".camkes", ".idl4", ".drv"} <= suffixes
    assert (EXAMPLES / "rules" / ".cursorrules").is_file()


def test_compiled_rules_match_their_sources(tmp_path: Path) -> None:
    out = tmp_path / "rules.drv"
    result = drvls("compile", ".cursorrules", "CLAUDE.md", "-o", str(out), cwd=EXAMPLES / "rules")
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == (EXAMPLES / "rules" / "rules.drv").read_bytes()
