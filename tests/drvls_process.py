"""Running this checkout's drvls in a child process, as the CLI and language-server tests do.

The child finds the package in `server/` and the CAmkES grammar's binding where an in-place build
puts it, so the tests also work before `pip install -e .`; an install makes both paths redundant.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SERVER_DIR = REPO / "server"
GRAMMAR_BINDING = REPO / "grammars" / "tree-sitter-camkes" / "bindings" / "python"
DRVLS = [sys.executable, "-m", "drvls"]
SERVE = [*DRVLS, "serve"]


def drvls_env(**extra: str) -> dict[str, str]:
    """This process's environment with the checkout first on PYTHONPATH, plus `extra` variables."""
    paths = [str(SERVER_DIR), str(GRAMMAR_BINDING), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p), **extra}


def run_drvls(*args: str, cwd: Path | None = None, timeout: float = 120,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m drvls ARGS`, output captured as text (the installed entry point behaves the same)."""
    return subprocess.run([*DRVLS, *args], cwd=cwd, env=drvls_env(**(env or {})), capture_output=True,
                          text=True, timeout=timeout, check=False)


def json_diagnostics(stdout: str) -> list[dict[str, object]]:
    """The diagnostics of a `drvls check --format json` report (a versioned object, docs/json-report.md)."""
    import json

    doc = json.loads(stdout)
    assert isinstance(doc, dict) and doc.get("version") == 1, stdout[:200]
    items: list[dict[str, object]] = doc["diagnostics"]
    return items
