"""docs/ci.md's snippets are real: every YAML block parses, the workflow uses only the action's inputs, and
the GitLab job writes the report its artifact names, in the format `--format gitlab` produces."""

from __future__ import annotations

import re
from typing import Any

from drvls_process import REPO

DOC = REPO / "docs" / "ci.md"


def yaml_blocks() -> list[Any]:
    import yaml

    text = DOC.read_text(encoding="utf-8")
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)]


def test_every_yaml_snippet_parses() -> None:
    assert len(yaml_blocks()) >= 4


def test_the_workflow_uses_the_actions_inputs() -> None:
    import yaml

    inputs = set(yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))["inputs"])
    workflows = [b for b in yaml_blocks() if isinstance(b, dict) and "jobs" in b]
    assert workflows
    steps = [s for w in workflows for job in w["jobs"].values() for s in job["steps"]]
    ours = [s for s in steps if str(s.get("uses", "")).startswith("drvls/drvls@")]
    assert ours and all(set(s.get("with", {})) <= inputs for s in ours)
    assert workflows[0]["permissions"]["security-events"] == "write"


def test_the_gitlab_job_names_the_report_it_writes() -> None:
    jobs = [b["drvls"] for b in yaml_blocks() if isinstance(b, dict) and "drvls" in b]
    assert jobs
    job = jobs[0]
    report = job["artifacts"]["reports"]["codequality"]
    assert any("--format gitlab" in line and f"-o {report}" in line for line in job["script"])
    assert job["artifacts"]["when"] == "always"


def test_pre_commit_snippet_names_the_hook_in_the_manifest() -> None:
    import yaml

    hooks = {h["id"] for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    configs = [b for b in yaml_blocks() if isinstance(b, dict) and "repos" in b]
    assert configs and {h["id"] for c in configs for r in c["repos"] for h in r["hooks"]} <= hooks
