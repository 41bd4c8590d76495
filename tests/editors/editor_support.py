"""Shared set-up for the real-editor tests: a project folder with a corpus Microkit file and a CAmkES app
whose component lives in an imported file, and the editor binary (a failure under CI when it is missing)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from camkes_app import APP, COMPONENT, INTERFACE
from drvls_process import drvls_env
from prerequisites import corpus_path, skip_or_fail

SYSTEM_SOURCE = ("microkit", "Luke-Rule__seL4-Microkit-File-Server")

@dataclass(frozen=True)
class Project:
    root: Path
    system: Path
    # 0-based (line, column) of `file_table` in `<map mr="file_table" ...>`, and the line declaring it.
    map_reference: tuple[int, int]
    region_line: int


def editor_binary(name: str, install: str) -> str:
    found = shutil.which(name)
    if found is None:
        skip_or_fail(f"{name} is not installed ({install}; .ci/run installs it)")
    return found


def make_project(tmp: Path) -> Project:
    root = tmp / "project"
    root.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)  # a project root, as eglot needs
    # The corpus system's program images are never built here: their MK201 warnings would be noise.
    (root / "drvls.toml").write_text('ignore = ["MK201"]\n', encoding="utf-8")
    text = (corpus_path(*SYSTEM_SOURCE, required_file="file.system") / "file.system").read_text(encoding="utf-8")
    system = root / "file.system"
    system.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    ref_line = next(i for i, line in enumerate(lines) if '<map mr="file_table"' in line)
    region = next(i for i, line in enumerate(lines) if '<memory_region name="file_table"' in line)
    (root / "iface.idl4").write_text(INTERFACE, encoding="utf-8")
    (root / "comp.camkes").write_text(COMPONENT, encoding="utf-8")
    (root / "app.camkes").write_text(APP, encoding="utf-8")
    return Project(root, system, (ref_line, lines[ref_line].index("file_table") + 2), region)


def editor_env(home: Path) -> dict[str, str]:
    return {**drvls_env(), "HOME": str(home), "XDG_STATE_HOME": str(home), "XDG_DATA_HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"), "XDG_CACHE_HOME": str(home / ".cache"),
            "DRVLS_PYTHON": sys.executable}


def run_script(command: list[str], script: str, suffix: str, project: Project, tmp: Path,
               timeout: float = 240, **extra: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run an editor on a script (`{script}` in `command` is its path) in the project; the lines the script
    wrote to `$DRVLS_OUT`. The script finds the reference position in `$REF_LINE`/`$REF_COL`."""
    path = tmp / f"script{suffix}"
    path.write_text(script, encoding="utf-8")
    out = tmp / "out.txt"
    out.unlink(missing_ok=True)
    env = {**editor_env(tmp), "DRVLS_OUT": str(out), "REF_LINE": str(project.map_reference[0]),
           "REF_COL": str(project.map_reference[1]), **extra}
    done = subprocess.run([part.replace("{script}", str(path)) for part in command], cwd=project.root, env=env,
                          timeout=timeout, capture_output=True, text=True, check=False)
    return done, out.read_text(encoding="utf-8").splitlines() if out.exists() else []
