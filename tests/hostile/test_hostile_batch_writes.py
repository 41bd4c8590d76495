"""Many files written at once (`drvls emit`): each target is still replaced by the rename of a complete,
synced temp file, every temp is synced before the first rename, each folder is synced once after the
last, and a failure before the renames leaves every target as it was, with no temp file behind."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
from drvls.core import atomic


def batch(root: Path) -> list[tuple[Path, bytes]]:
    return [(root / folder / f"f{i}.md", f"{folder} {i}\n".encode()) for folder in ("a", "b") for i in range(5)]


@pytest.mark.parametrize("threads", [1, 4])
def test_every_file_is_written_with_its_mode(tmp_path: Path, threads: int) -> None:
    files = batch(tmp_path)
    for path, _data in files:
        path.parent.mkdir(exist_ok=True)
    kept = files[0][0]
    kept.write_bytes(b"old\n")
    kept.chmod(0o600)
    atomic.atomic_write_all(files, threads=threads)
    assert [path.read_bytes() for path, _ in files] == [data for _, data in files]
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(files[1][0].stat().st_mode) == atomic.new_file_mode()
    assert sorted(p.name for p in tmp_path.rglob(".*.tmp")) == []


def test_every_temp_is_synced_before_the_first_rename_and_each_folder_once_after(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = batch(tmp_path)
    for path, _data in files:
        path.parent.mkdir(exist_ok=True)
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        name = os.readlink(f"/proc/self/fd/{fd}")
        events.append(("folder" if os.path.isdir(name) else "file", name))
        real_fsync(fd)

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        events.append(("rename", str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    atomic.atomic_write_all(files, threads=4)
    kinds = [kind for kind, _ in events]
    assert kinds == ["file"] * len(files) + ["rename"] * len(files) + ["folder"] * 2
    assert sorted(name for kind, name in events if kind == "folder") == [str(tmp_path / "a"), str(tmp_path / "b")]
    assert sorted(name for kind, name in events if kind == "rename") == sorted(str(path) for path, _ in files)


def test_a_failure_before_the_renames_changes_nothing(tmp_path: Path) -> None:
    files = batch(tmp_path)
    (tmp_path / "a").mkdir()  # folder b is missing: its temp files cannot be created
    old = files[0][0]
    old.write_bytes(b"old\n")
    with pytest.raises(FileNotFoundError):
        atomic.atomic_write_all(files, threads=4)
    assert old.read_bytes() == b"old\n"
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["f0.md"]


def test_a_batch_larger_than_the_open_files_held_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(atomic, "OPEN_AT_ONCE", 3)
    files = batch(tmp_path)
    for path, _data in files:
        path.parent.mkdir(exist_ok=True)
    atomic.atomic_write_all(files, threads=2)
    assert [path.read_bytes() for path, _ in files] == [data for _, data in files]
    assert sorted(p.name for p in tmp_path.rglob(".*.tmp")) == []


def test_leftovers_of_the_files_written_are_removed_once_stale(tmp_path: Path) -> None:
    files = batch(tmp_path)
    for path, _data in files:
        path.parent.mkdir(exist_ok=True)
    stale = tmp_path / "a" / ".f1.md.00003600.tmp"
    young = tmp_path / "b" / ".f2.md.00000000.tmp"
    other = tmp_path / "a" / ".notes.md.00003600.tmp"
    for path in (stale, young, other):
        path.write_bytes(b"half a file")
    then = time.time() - 3600
    os.utime(stale, (then, then))
    os.utime(other, (then, then))
    atomic.atomic_write_all(files)
    assert not stale.exists()
    assert young.exists(), "a young temp file may belong to a write still under way"
    assert other.exists(), "only the temp files of the files written are touched"


def test_only_the_leftovers_of_exactly_the_names_written_are_removed(tmp_path: Path) -> None:
    mine = tmp_path / ".a+b.md.00003600.tmp"
    look_alike = tmp_path / ".aab.md.00003600.tmp"  # what `a+b` would match as a pattern
    longer = tmp_path / ".x.a+b.md.00003600.tmp"
    then = time.time() - 3600
    for path in (mine, look_alike, longer):
        path.write_bytes(b"half a file")
        os.utime(path, (then, then))
    atomic.atomic_write_all([(tmp_path / "a+b.md", b"new\n")])
    assert not mine.exists()
    assert look_alike.exists() and longer.exists()
    assert (tmp_path / "a+b.md").read_bytes() == b"new\n"
