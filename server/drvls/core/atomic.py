"""Atomic file writes: a temp file in the same folder, fsync, rename over the target, fsync the folder.

Readers never see half a file, and a failed write leaves the old file untouched. A write killed
between creating its temp file and the rename leaves `.NAME.XXXXXXXX.tmp` behind; the next write
of the same file removes such leftovers once they are older than `STALE_AFTER` seconds (younger
ones may belong to a write still under way).
"""

from __future__ import annotations

import os
import re
import stat
import time
from pathlib import Path

STALE_AFTER = 300.0  # seconds
_RANDOM = r"[A-Za-z0-9_]{8}"  # what `tempfile.mkstemp` puts between prefix and suffix


def temp_name_pattern(name: str) -> re.Pattern[str]:
    """The names this module gives the temp files of `name`."""
    return re.compile(rf"\.{re.escape(name)}\.{_RANDOM}\.tmp")


def remove_stale_temps(path: Path, older_than: float = STALE_AFTER) -> list[Path]:
    """Delete our own leftover temp files of `path` (regular files of this user, by name and age)."""
    folder = path.parent if str(path.parent) else Path(".")
    pattern = temp_name_pattern(path.name)
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
    folder = path.parent if str(path.parent) else Path(".")
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o7777
        except OSError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
    import tempfile  # not on the start-up path of a run that writes nothing

    remove_stale_temps(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_folder(folder)
