"""Atomic file writes: a temp file in the same folder, fsync, rename over the target, fsync the folder.

Readers never see half a file, and a failed write leaves the old file untouched. Many files at
once (`atomic_write_all`) are written and synced first, then renamed, then each folder is synced
once: every target is still replaced by the rename of a complete, synced temp file, and a failure
before the renames leaves every target untouched. A write killed
between creating its temp file and the rename leaves `.NAME.XXXXXXXX.tmp` behind; the next write
of the same file removes such leftovers once they are older than `STALE_AFTER` seconds (younger
ones may belong to a write still under way).
"""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

STALE_AFTER = 300.0  # seconds
_RANDOM = r"[A-Za-z0-9_]{8}"  # what `tempfile.mkstemp` puts between prefix and suffix


def temp_name_pattern(name: str) -> re.Pattern[str]:
    """The names this module gives the temp files of `name`."""
    return re.compile(rf"\.{re.escape(name)}\.{_RANDOM}\.tmp")


def remove_stale_temps(path: Path, older_than: float = STALE_AFTER) -> list[Path]:
    """Delete our own leftover temp files of `path` (regular files of this user, by name and age)."""
    return _remove_stale(_folder_of(path), [path.name], older_than)


def _folder_of(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def _remove_stale(folder: Path, names: Iterable[str], older_than: float = STALE_AFTER) -> list[Path]:
    """The leftovers of any of `names` in `folder`, in one pass over the folder."""
    pattern = re.compile("|".join(temp_name_pattern(name).pattern for name in names))
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if (not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid()
                    or now - info.st_mtime < older_than):
                continue
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (where the platform allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, mode: int | None = None) -> None:
    """Replace `path` with `data`; `mode` defaults to the old file's mode, else 0644 minus umask."""
    remove_stale_temps(path)
    tmp = _synced_temp(path, data, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_folder(_folder_of(path))


def atomic_write_all(files: Sequence[tuple[Path, bytes]], threads: int = 1) -> None:
    """Replace each path with its bytes (modes as `atomic_write_bytes` gives them), in phases: every
    temp file written, then every one synced, then every one renamed over its target, then each
    folder synced once.

    Creating files and syncing them are kept apart because a sync makes the file system commit its
    journal, which stalls the creations that follow it; syncs issued together share commits. Each
    phase runs on `threads` threads (the time is the disk's, not Python's) and ends before the next
    begins. On a failure no temp file is left, and no target is touched unless the failure was in a
    rename."""
    by_folder: dict[Path, list[str]] = {}
    for path, _data in files:
        by_folder.setdefault(_folder_of(path), []).append(path.name)
    for folder, names in by_folder.items():
        _remove_stale(folder, names)
    fallback = new_file_mode()  # read once: the umask is the process's
    temps: list[Path] = []
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        try:
            for start in range(0, len(files), OPEN_AT_ONCE):
                temps += _write_synced(pool, files[start:start + OPEN_AT_ONCE], fallback)
            list(pool.map(os.replace, temps, [path for path, _data in files]))
        except BaseException:
            for tmp in temps:
                tmp.unlink(missing_ok=True)  # a renamed one is gone already
            raise
        list(pool.map(fsync_folder, by_folder))


OPEN_AT_ONCE = 256  # temp files held open between writing and syncing (well below the usual fd limit)


def _write_synced(pool: ThreadPoolExecutor, files: Sequence[tuple[Path, bytes]], fallback: int) -> list[Path]:
    """Temp files beside each path holding its bytes: all written first, then all synced."""
    opened: list[tuple[int, Path]] = []
    failure: BaseException | None = None
    try:
        for future in [pool.submit(_write_temp, path, data, fallback) for path, data in files]:
            try:
                opened.append(future.result())
            except BaseException as exc:  # every one is waited for, so that all temps are removed
                failure = failure or exc
        if failure is not None:
            raise failure
        list(pool.map(os.fsync, [fd for fd, _ in opened]))
    except BaseException:
        for _fd, tmp in opened:
            tmp.unlink(missing_ok=True)
        raise
    finally:
        for fd, _ in opened:
            os.close(fd)
    return [tmp for _, tmp in opened]


def _write_temp(path: Path, data: bytes, fallback: int) -> tuple[int, Path]:
    """A temp file beside `path` holding `data` with the target's mode, still open and not yet synced."""
    import tempfile  # not on the start-up path of a run that writes nothing

    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=_folder_of(path))
    try:
        _write_fully(fd, data)
        os.fchmod(fd, _mode_for(path, None, fallback))
    except BaseException:
        os.close(fd)
        Path(name).unlink(missing_ok=True)
        raise
    return fd, Path(name)


def _write_fully(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _mode_for(path: Path, mode: int | None, fallback: int | None) -> int:
    """`mode`, else the old file's, else `fallback`, else 0666 minus the umask."""
    if mode is not None:
        return mode
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return new_file_mode() if fallback is None else fallback


def new_file_mode() -> int:
    """0666 minus the umask. Reading the umask sets it for a moment: never call this from two threads."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _synced_temp(path: Path, data: bytes, mode: int | None) -> Path:
    """A temp file beside `path` holding `data`, synced to disk, with the mode the target will have."""
    mode = _mode_for(path, mode, None)
    import tempfile  # not on the start-up path of a run that writes nothing

    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=_folder_of(path))
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp
