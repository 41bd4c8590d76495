"""Writes never replace a source, leave no temp files behind a killed run, and are made durable."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from drvls.core import atomic
from drvls_process import run_drvls
from hostile_support import make_keys


def env_for(user_config: Path) -> dict[str, str]:
    return {"XDG_CONFIG_HOME": str(user_config.parent)}


@pytest.mark.parametrize("output", ["u.system", "./u.system", "u.system.sig"])
def test_check_refuses_to_write_its_report_over_a_checked_file(tmp_path: Path, user_config: Path,
                                                               output: str) -> None:
    source = tmp_path / "u.system"
    source.write_text("<system/>\n", encoding="utf-8")
    result = run_drvls("check", "-o", output, "u.system", cwd=tmp_path, env=env_for(user_config))
    assert result.returncode == 2 and "files being checked" in result.stderr
    assert source.read_text(encoding="utf-8") == "<system/>\n"


def _leftover(folder: Path, name: str, age: float) -> Path:
    """A temp file as a write killed before its rename leaves it, `age` seconds old."""
    path = folder / f".{name}.{int(age):08d}.tmp"
    path.write_bytes(b"half a file")
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_a_killed_sign_leaves_nothing_behind_the_next_run(tmp_path: Path, user_config: Path) -> None:
    keys = make_keys(tmp_path / "keys")
    target = tmp_path / "a.system"
    target.write_text("<system/>\n", encoding="utf-8")
    stale = _leftover(tmp_path, "a.system.sig", 3600)
    fresh = _leftover(tmp_path, "a.system.sig", 0)
    other = _leftover(tmp_path, "b.system.sig", 3600)
    result = run_drvls("sign", "--key", str(keys.private), str(target), env=env_for(user_config))
    assert result.returncode == 0, result.stderr
    assert not stale.exists()
    assert fresh.exists(), "a young temp file may belong to a write still under way"
    assert other.exists(), "only the temp files of the file written are touched"


def test_a_killed_compile_leaves_nothing_behind_the_next_run(tmp_path: Path, user_config: Path) -> None:
    (tmp_path / "CLAUDE.md").write_text("# Rules\n\n- Be brief.\n", encoding="utf-8")
    stale = _leftover(tmp_path, "rules.drv", 3600)
    result = run_drvls("compile", "CLAUDE.md", "-o", "rules.drv", cwd=tmp_path, env=env_for(user_config))
    assert result.returncode == 0, result.stderr
    assert not stale.exists() and (tmp_path / "rules.drv").is_file()


def test_the_folder_is_synced_after_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[bool] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        synced.append(os.path.isdir(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    atomic.atomic_write_bytes(tmp_path / "out.txt", b"data")
    assert synced == [False, True]  # the file's data, then the folder holding the new name


def test_only_this_users_regular_temp_files_are_removed(tmp_path: Path) -> None:
    link = tmp_path / ".x.abcd1234.tmp"
    link.symlink_to(tmp_path / "elsewhere")
    then = time.time() - 3600
    os.utime(link, (then, then), follow_symlinks=False)
    assert atomic.remove_stale_temps(tmp_path / "x") == []
    assert link.is_symlink()
