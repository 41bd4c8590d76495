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

import errno
import os
import random
import re
import stat
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, cast

STALE_AFTER = 300.0  # seconds
OPEN_AT_ONCE = 256  # temp files held open between writing and syncing (well below the usual fd limit)
TEMP_ATTEMPTS = 100  # random temp names tried before giving up
_RANDOM = r"[A-Za-z0-9_]{8}"  # what `tempfile.mkstemp` and `_create_temp` put between prefix and suffix


# The temp files this module names: `.NAME.XXXXXXXX.tmp`, NAME (the target's name) in the group.
TEMP_NAME = re.compile(rf"\.(.+)\.{_RANDOM}\.tmp", re.DOTALL)


def remove_stale_temps(path: Path, older_than: float = STALE_AFTER) -> list[Path]:
    """Delete our own leftover temp files of `path` (regular files of this user, by name and age)."""
    return _remove_stale(_folder_of(path), [path.name], older_than)


def _folder_of(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def _remove_stale(folder: Path, names: Iterable[str], older_than: float = STALE_AFTER) -> list[Path]:
    """The leftovers of any of `names` in `folder`, in one pass over the folder (one fixed pattern:
    a pattern of every name would be compiled anew for each folder and batch)."""
    wanted = set(names)
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = TEMP_NAME.fullmatch(entry.name)
        if match is None or match.group(1) not in wanted:
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
    phase runs on `threads` threads (the time is the disk's, not Python's), each thread taking one
    run of the files (`_in_runs`), and ends before the next begins. On a failure no temp file is
    left, and no target is touched unless the failure was in a rename."""
    by_folder: dict[Path, list[str]] = {}
    for path, _data in files:
        by_folder.setdefault(_folder_of(path), []).append(path.name)
    for folder, names in by_folder.items():
        _remove_stale(folder, names)
    runs = max(1, threads)
    temps: list[Path] = []
    with ThreadPoolExecutor(max_workers=runs) as pool:
        try:
            for start in range(0, len(files), OPEN_AT_ONCE):
                temps += _write_synced(pool, runs, files[start:start + OPEN_AT_ONCE])
            _succeeded(_in_runs(pool, runs, _rename, list(zip(temps, [path for path, _ in files], strict=True))))
        except BaseException:
            for tmp in temps:
                tmp.unlink(missing_ok=True)  # a renamed one is gone already
            raise
        list(pool.map(fsync_folder, by_folder))


T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Failed:
    """An item's exception, kept by `_in_runs` so that the caller can undo the items that succeeded."""

    error: BaseException


def _in_runs(pool: ThreadPoolExecutor, runs: int, work: Callable[[T], R], items: Sequence[T]) -> list[R | Failed]:
    """`work` of each item, in order, the items cut into `runs` consecutive runs, each done on one
    thread: a thread takes a run, not an item, so the threads hand the interpreter over once per
    run, not once per file. Every item is attempted; a failing one gives its exception."""
    size = max(1, -(-len(items) // runs))

    def run(part: Sequence[T]) -> list[R | Failed]:
        out: list[R | Failed] = []
        for item in part:
            try:
                out.append(work(item))
            except BaseException as exc:
                out.append(Failed(exc))
        return out

    return [result for part in pool.map(run, [items[k:k + size] for k in range(0, len(items), size)])
            for result in part]


def _succeeded(results: list[R | Failed]) -> list[R]:
    """The results, or the first item's exception when any failed."""
    for result in results:
        if isinstance(result, Failed):
            raise result.error
    return cast("list[R]", results)


def _write_synced(pool: ThreadPoolExecutor, runs: int, files: Sequence[tuple[Path, bytes]]) -> list[Path]:
    """Temp files beside each path holding its bytes: all written first, then all synced."""
    results = _in_runs(pool, runs, _write_temp, files)
    opened = [r for r in results if not isinstance(r, Failed)]
    try:
        _succeeded(results)
        _succeeded(_in_runs(pool, runs, os.fsync, [fd for fd, _ in opened]))
    except BaseException:
        for _fd, tmp in opened:
            tmp.unlink(missing_ok=True)
        raise
    finally:
        for fd, _ in opened:
            os.close(fd)
    return [tmp for _, tmp in opened]


_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_NAMES = random.Random()
if hasattr(os, "register_at_fork"):  # a forked child must not draw the same names as its parent
    os.register_at_fork(after_in_child=_NAMES.seed)


def _create_temp(path: Path, mode: int) -> tuple[int, Path]:
    """A new `.NAME.XXXXXXXX.tmp` beside `path`, open for writing, created with `mode` minus the umask.

    Like `tempfile.mkstemp` (an exclusive create under a random name), but the file can be created
    with the mode the target will have, which saves a `chmod` of every new file."""
    folder = _folder_of(path)
    for _ in range(TEMP_ATTEMPTS):
        tmp = folder / f".{path.name}.{_NAMES.getrandbits(32):08x}.tmp"
        try:
            return os.open(tmp, _TEMP_FLAGS, mode), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temp file name", str(folder / f".{path.name}.*.tmp"))


def _rename(job: tuple[Path, Path]) -> None:
    os.replace(*job)


def _write_temp(job: tuple[Path, bytes]) -> tuple[int, Path]:
    """A temp file beside `path` holding `data` with the target's mode, still open and not yet synced.

    A new target's temp is created with 0666 minus the umask, the mode it keeps; an existing one's is
    created private and then given the old file's mode."""
    path, data = job
    try:
        old: int | None = path.stat().st_mode & 0o7777
    except OSError:
        old = None
    fd, tmp = _create_temp(path, 0o666 if old is None else 0o600)
    try:
        _write_fully(fd, data)
        if old is not None:
            os.fchmod(fd, old)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    return fd, tmp


def _write_fully(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _mode_for(path: Path, mode: int | None) -> int:
    """`mode`, else the old file's, else 0666 minus the umask."""
    if mode is not None:
        return mode
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return new_file_mode()


def new_file_mode() -> int:
    """0666 minus the umask. Reading the umask sets it for a moment: never call this from two threads."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _synced_temp(path: Path, data: bytes, mode: int | None) -> Path:
    """A temp file beside `path` holding `data`, synced to disk, with the mode the target will have."""
    mode = _mode_for(path, mode)
    fd, tmp = _create_temp(path, 0o600)
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
