"""An outside program runs under its limits, and starting it runs no Python code in a forked copy."""

from __future__ import annotations

import os
import shutil
import sys

import pytest
from drvls.core.limits import run_limited

POSIX = pytest.mark.skipif(sys.platform == "win32" or not shutil.which("sh"), reason="POSIX shell limits")

FORKS_WITH_HOOKS = [0]
if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=lambda: FORKS_WITH_HOOKS.__setitem__(0, FORKS_WITH_HOOKS[0] + 1))


@POSIX
def test_the_program_runs_under_the_memory_cpu_and_core_limits() -> None:
    done = run_limited(["sh", "-c", "ulimit -v; ulimit -t; ulimit -c; ulimit -H -v"], b"", timeout=2.0,
                       memory=256 * 1024 * 1024)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().split() == [str(256 * 1024), "3", "0", str(256 * 1024)]


@POSIX
def test_the_program_reads_its_input_from_its_folder(tmp_path: os.PathLike[str]) -> None:
    done = run_limited(["sh", "-c", "cat; pwd"], b"given\n", cwd=tmp_path)  # type: ignore[arg-type]
    assert done.stdout.decode().split() == ["given", os.path.realpath(tmp_path)]


@POSIX
def test_a_missing_program_is_an_error_of_the_call(tmp_path: os.PathLike[str]) -> None:
    with pytest.raises(FileNotFoundError):
        run_limited(["drvls-no-such-program"], b"")
    with pytest.raises(FileNotFoundError):
        run_limited(["./no-such-program"], b"", cwd=tmp_path)  # type: ignore[arg-type]


@POSIX
def test_a_program_named_from_its_folder_is_found_there(tmp_path: os.PathLike[str]) -> None:
    script = os.path.join(tmp_path, "tool")
    with open(script, "w", encoding="utf-8") as out:
        out.write("#!/bin/sh\necho found\n")
    os.chmod(script, 0o755)
    assert run_limited(["./tool"], b"", cwd=tmp_path).stdout == b"found\n"  # type: ignore[arg-type]


@POSIX
@pytest.mark.skipif(not hasattr(os, "register_at_fork"), reason="fork hooks")
def test_starting_the_program_runs_no_python_between_fork_and_exec() -> None:
    """Python code in the child (a preexec hook) forces a full fork, whose copy of the caller's page
    tables costs milliseconds of CPU per cpp run in a large process; without it Python uses vfork."""
    before = FORKS_WITH_HOOKS[0]
    assert run_limited(["sh", "-c", "exit 0"], b"").returncode == 0
    assert FORKS_WITH_HOOKS[0] == before
