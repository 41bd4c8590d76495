"""The pre-commit hook covers exactly what `drvls check` covers: its `files` pattern is generated from the
families' suffixes and the rule-source names, and a real `pre-commit try-repo` runs it on each of them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
from drvls_process import REPO
from prerequisites import skip_or_fail

COVERED = ["board.system", "BOARD.SYSTEM", "app.camkes", "iface.idl4", "rules.drv", ".cursorrules", "team.cursorrules",
           ".github/copilot-instructions.md", ".windsurfrules", "CLAUDE.md", "docs/claude.md", "CONVENTIONS.md",
           ".aider.conf.yml", ".driven/rules.md", "AGENTS.md", "GEMINI.md", ".cursor/rules/python.mdc",
           ".github/instructions/tests.instructions.md", ".clinerules/style.md", ".windsurf/rules/a.md",
           ".kiro/steering/product.md", ".claude/rules/api.md", ".roo/rules/base.md", ".roo/rules-code/x.md"]
NOT_COVERED = ["README.md", "notes.md", "rules.md", "driven/rules.md", "x.systemd", "conventions.md.bak",
               "setup.py", "cursorrules", ".cursor/rules/notes.txt", ".github/instructions.md"]


def manifest_pattern() -> str:
    text = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    match = re.search(r"^  files: '(.*)'$", text, re.MULTILINE)
    assert match, "files: pattern not found in .pre-commit-hooks.yaml"
    return match.group(1)


def test_manifest_pattern_is_the_generated_one() -> None:
    from drvls.cli.hook_pattern import files_pattern

    assert manifest_pattern() == files_pattern(), "regenerate with `python -m drvls.cli.hook_pattern`"


@pytest.mark.parametrize("name", COVERED + NOT_COVERED)
def test_the_pattern_matches_exactly_the_files_check_walks(name: str) -> None:
    from drvls.core.languages import analyzer_for

    walked = analyzer_for(PurePosixPath(name)) is not None
    assert walked == (name in COVERED)
    assert bool(re.search(manifest_pattern(), name)) == walked


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})


@pytest.mark.slow
def test_pre_commit_try_repo_runs_the_hook_on_every_covered_file(tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    if pre_commit is None:
        skip_or_fail("pre-commit is not installed (pip install pre-commit; it is in the test extra)")
    project = tmp_path / "project"
    project.mkdir()
    system = ('<system>\n  <protection_domain name="a">\n    <program_image path="a.elf" />\n'
              "  </protection_domain>\n</system>\n")
    rules = "# Rules\n\n- Keep functions small.\n"
    for name in ["board.system", "team.cursorrules", "CONVENTIONS.md", ".driven/rules.md", "docs/claude.md",
                 "README.md", "notes.md"]:
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(system if name.endswith(".system") else rules, encoding="utf-8")
    (project / ".aider.conf.yml").write_text("read:\n  - CONVENTIONS.md\n", encoding="utf-8")
    _git(project, "init", "-q")
    _git(project, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "DRVLS_OUTPUT_FORMAT": "text"}
    done = subprocess.run([pre_commit, "try-repo", str(REPO), "drvls-check", "--all-files", "--verbose"],
                          cwd=project, env=env, capture_output=True, text=True, timeout=900, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    # Six files are ours (README.md and notes.md are not rule sources) and all six reach `drvls check`.
    assert "All clean: 6 files checked." in output or "in 6 files checked." in output, output
