"""A test that needs a missing built part skips on a developer's machine and fails under CI=true."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
NEEDS_MISSING = '''from prerequisites import needs


@needs(False, "the frobnicator is not built")
def test_uses_it() -> None:
    pass
'''


@pytest.mark.parametrize(("ci", "outcome"), [("", "1 skipped"), ("true", "1 error")])
def test_a_missing_part(tmp_path: Path, ci: str, outcome: str) -> None:
    shutil.copyfile(TESTS / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_part.py").write_text(NEEDS_MISSING)
    env = {**os.environ, "CI": ci, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", str(tmp_path)],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert outcome in result.stdout, result.stdout + result.stderr
    assert "the frobnicator is not built" in result.stdout
    assert (result.returncode != 0) is bool(ci)
