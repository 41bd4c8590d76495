"""The composite GitHub Action (`action.yml`): its shell steps run for real, in order, in a temporary
repository, with the environment the runner gives them (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from drvls_process import REPO

EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")
BAD = ('<system>\n  <protection_domain name="a" priority="300">\n    <program_image path="a.elf" />\n'
       "  </protection_domain>\n</system>\n")


def action() -> dict[str, Any]:
    import yaml

    loaded: dict[str, Any] = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    return loaded


def test_the_action_is_composite_with_the_documented_inputs() -> None:
    doc = action()
    assert doc["runs"]["using"] == "composite"
    assert {"paths", "version", "fail-on"} <= set(doc["inputs"])
    uses = [s["uses"] for s in doc["runs"]["steps"] if "uses" in s]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    for step in doc["runs"]["steps"]:
        # Inputs reach scripts only through `env`: an input pasted into a script could inject commands.
        assert "${{" not in step.get("run", ""), step["name"]


class Runner:
    """Just enough of the Actions runner for composite shell steps: inputs, outputs, env, summary."""

    def __init__(self, workspace: Path, bin_dir: Path, inputs: dict[str, str]) -> None:
        self.workspace = workspace
        self.inputs = {k: str(v.get("default", "")) for k, v in action()["inputs"].items()} | inputs
        self.outputs: dict[str, dict[str, str]] = {}
        self.summary = workspace.parent / "summary.md"
        self.env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                    "GITHUB_STEP_SUMMARY": str(self.summary), "RUNNER_TEMP": str(workspace.parent)}
        self.env.pop("PYTHONPATH", None)  # the installed drvls, not this checkout's sources

    def value(self, expression: str) -> str:
        if expression.startswith("inputs."):
            return self.inputs[expression.removeprefix("inputs.")]
        if expression == "github.action_path":
            return str(REPO)
        match = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
        assert match, f"expression not supported by this test runner: {expression}"
        return self.outputs.get(match.group(1), {}).get(match.group(2), "")

    def run(self, step: dict[str, Any]) -> subprocess.CompletedProcess[str]:
        output = self.workspace.parent / f"output-{step.get('id', 'x')}.txt"
        output.write_text("")
        env = {**self.env, "GITHUB_OUTPUT": str(output)}
        for key, raw in (step.get("env") or {}).items():
            env[key] = EXPRESSION.sub(lambda m: self.value(m.group(1)), str(raw))
        done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=self.workspace, env=env,
                              capture_output=True, text=True, timeout=900, check=False)
        if "id" in step:
            self.outputs[step["id"]] = dict(line.split("=", 1) for line in output.read_text().splitlines())
        return done


@pytest.mark.slow
def test_the_action_steps_install_check_annotate_and_fail(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    workspace = tmp_path / "repo"
    (workspace / "sys").mkdir(parents=True)
    (workspace / "sys" / "board.system").write_text(BAD, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=workspace, check=True)
    steps = {s["name"]: s for s in action()["runs"]["steps"] if "run" in s}

    runner = Runner(workspace, venv / "bin", {"paths": "sys"})
    installed = runner.run(steps["Install drvls"])
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert installed.stdout.startswith("drvls ")

    checked = runner.run(steps["Check"])
    assert checked.returncode == 0, checked.stdout + checked.stderr  # the verdict comes last, after upload
    assert re.search(r"^::error file=sys/board\.system,line=2,.*title=drvls MK020::", checked.stdout, re.M)
    assert runner.outputs["check"] == {"exit-code": "1", "sarif-file": "drvls.sarif"}
    sarif = json.loads((workspace / "drvls.sarif").read_text(encoding="utf-8"))
    result = sarif["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "sys/board.system"
    # The error, and the warning that its program image is not built (MK201).
    assert "Found 1 error, 1 warning in 1 file checked." in runner.summary.read_text(encoding="utf-8")
    assert runner.run(steps["Verdict"]).returncode == 1

    lenient = Runner(workspace, venv / "bin", {"paths": "sys", "fail-on": "never"})
    assert lenient.run(steps["Check"]).returncode == 0
    assert lenient.outputs["check"]["exit-code"] == "0" and lenient.run(steps["Verdict"]).returncode == 0

    broken = Runner(workspace, venv / "bin", {"paths": "no-such-folder"})
    assert broken.run(steps["Check"]).returncode == 2
    assert broken.run(steps["Verdict"]).returncode == 2
