"""Every read is bounded and never blocks: FIFOs, devices and links to them, and cpp's own reads."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from drvls.core.reading import read_bounded, read_head
from drvls_process import run_drvls
from hostile_support import make_keys

HANG = 30.0  # seconds: a command still running then is hung


def env_for(user_config: Path) -> dict[str, str]:
    return {"XDG_CONFIG_HOME": str(user_config.parent)}


def _hostile_file(folder: Path, kind: str, name: str) -> Path:
    path = folder / name
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    return path


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
@pytest.mark.parametrize("command", ["preview", "decompile", "verify", "check", "sign"])
def test_drv_faces_never_block_on_a_pipe_or_device(tmp_path: Path, user_config: Path, kind: str,
                                                    command: str) -> None:
    target = _hostile_file(tmp_path, kind, "rules.drv")
    args = [command, str(target)]
    if command == "sign":
        args = [command, "--key", str(make_keys(tmp_path / "keys").private), str(target)]
    result = run_drvls(*args, timeout=HANG, env=env_for(user_config))
    assert result.returncode in (1, 2), result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "not a regular file" in result.stdout + result.stderr or "DL002" in result.stdout


def test_the_reader_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    fifo = _hostile_file(tmp_path, "fifo", "pipe")
    zero = _hostile_file(tmp_path, "dev-zero", "zero")
    for path in (fifo, zero, tmp_path):
        problem = read_bounded(path)
        assert not isinstance(problem, bytes) and problem.kind == "not-regular"
    assert not isinstance(read_head(zero, 3), bytes)


def test_a_signature_that_is_a_fifo_does_not_block(tmp_path: Path, user_config: Path) -> None:
    (tmp_path / "a.system").write_text("<system/>\n", encoding="utf-8")
    os.mkfifo(tmp_path / "a.system.sig")
    result = run_drvls("check", "--require-signatures", str(tmp_path), timeout=HANG, env=env_for(user_config))
    assert result.returncode == 1 and "SIG00" in result.stdout


needs_cpp = pytest.mark.skipif(shutil.which("cpp") is None, reason="needs a C preprocessor")


def _processes_in(folder: Path) -> list[int]:
    """Processes whose working folder is `folder` (cpp and its cc1 run in the checked file's folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if Path(os.readlink(entry / "cwd")) == folder:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@needs_cpp
@pytest.mark.parametrize("target", ["fifo", "/dev/zero"])
def test_cpp_include_of_a_pipe_or_device_is_bounded_and_leaves_no_orphan(tmp_path: Path, user_config: Path,
                                                                          target: str) -> None:
    folder = tmp_path / "app"
    folder.mkdir()
    include = target
    if target == "fifo":
        os.mkfifo(folder / "pipe.h")
        include = "pipe.h"
    (folder / "app.camkes").write_text(f'#include "{include}"\ncomponent A {{}}\n', encoding="utf-8")
    start = time.monotonic()
    result = run_drvls("check", "app.camkes", cwd=folder, timeout=HANG, env=env_for(user_config))
    assert time.monotonic() - start < HANG
    assert result.returncode == 1 and "CK002" in result.stdout, result.stdout + result.stderr
    assert _processes_in(folder) == [], "cpp or cc1 outlived the check"
