"""The one way any family or face reads a file it did not create: bounded, non-blocking, regular files only.

A repository can name `/dev/stdin`, a FIFO, `/dev/zero` or a symlink to one wherever a path is
accepted (imports, program images, prefill files, signatures). Opening such a path blocks or
never ends, so every read goes through `read_bounded`: the path is resolved, opened with
`O_NONBLOCK` (a FIFO then opens at once instead of waiting for a writer), checked with `fstat`
on the open descriptor (no race with a swap after a `stat`), and read up to a cap.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

DEFAULT_CAP = 16 * 1024 * 1024  # the default max-file-size


@dataclass(frozen=True)
class ReadProblem:
    """Why a file was not read; `reason` is a plain phrase to put after "cannot read …: "."""

    reason: str
    kind: str  # "missing" | "not-regular" | "too-large" | "error"
    size: int | None = None  # the size when it is known to be over the cap


def open_regular(path: Path) -> BinaryIO | ReadProblem:
    """An open binary file when `path` is a regular file, else why not. Never blocks.

    For readers that parse lazily (an ELF library reads only the headers and tables it needs),
    so a large file is not read whole; the caller closes it.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except (FileNotFoundError, NotADirectoryError):
        return ReadProblem("no such file", "missing")
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket, or a FIFO without a writer on some systems
            return ReadProblem("not a regular file (a pipe, socket or device)", "not-regular")
        return ReadProblem(exc.strerror or str(exc), "error")
    try:
        info = os.fstat(fd)
    except OSError as exc:
        os.close(fd)
        return ReadProblem(exc.strerror or str(exc), "error")
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a pipe, socket or device"
        return ReadProblem(f"not a regular file ({kind})", "not-regular")
    return os.fdopen(fd, "rb")


def read_bounded(path: Path, cap: int = DEFAULT_CAP) -> bytes | ReadProblem:
    """The file's bytes when it is a regular file of at most `cap` bytes, else why not. Never blocks."""
    opened = open_regular(path)
    if isinstance(opened, ReadProblem):
        return opened
    with opened as handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            if size > cap:
                return ReadProblem(f"file is {size} bytes, over the {cap}-byte limit", "too-large", size)
            data = handle.read(cap + 1)
        except OSError as exc:
            return ReadProblem(exc.strerror or str(exc), "error")
    if len(data) > cap:  # it grew after the fstat
        return ReadProblem(f"file is over the {cap}-byte limit", "too-large")
    return data


def read_text_bounded(path: Path, cap: int = DEFAULT_CAP) -> str | ReadProblem:
    """`read_bounded`, decoded as UTF-8 with bad bytes replaced (for config-like inputs)."""
    data = read_bounded(path, cap)
    return data if isinstance(data, ReadProblem) else data.decode("utf-8", "replace")
