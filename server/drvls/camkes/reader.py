"""Reading the files an app names (imports, app candidates), bounded and never blocking.

An `import` can name `/dev/stdin`, a FIFO, `/dev/zero` or any readable file. Every such read
goes through `core.reading.read_bounded` (regular files only, opened non-blocking, capped);
open editor buffers still win over the disk. What could not be read is remembered with the
reason, so the import that named it gets a located diagnostic instead of a hang.
"""

from __future__ import annotations

from pathlib import Path

from drvls.core.languages import DiskWorkspace, Workspace
from drvls.core.reading import DEFAULT_CAP, ReadProblem, read_bounded


def decode(data: bytes) -> str:
    text = data.decode("utf-8", "replace")
    return text[1:] if text.startswith("\ufeff") else text


class SourceReader:
    """Reads through the workspace (open buffers win), decoded; remembered for one analysis."""

    def __init__(self, workspace: Workspace, cap: int = DEFAULT_CAP) -> None:
        self._workspace = workspace
        self._cap = cap
        self._texts: dict[Path, str | None] = {}
        self._problems: dict[Path, ReadProblem] = {}

    def __call__(self, path: Path) -> str | None:
        if path in self._texts:
            return self._texts[path]
        text = self._read(path)
        self._texts[path] = text
        return text

    def _read(self, path: Path) -> str | None:
        probe = read_bounded(path, self._cap)
        if isinstance(probe, ReadProblem) and probe.kind != "missing":
            self._problems[path] = probe
            return None
        if type(self._workspace) is DiskWorkspace:  # the probe read the same disk
            return decode(probe) if isinstance(probe, bytes) else None
        data = self._workspace.read(path)  # an open buffer, or the disk (also for a file not saved yet)
        return decode(data) if data is not None else None

    def problem(self, path: Path) -> ReadProblem | None:
        """Why `path` was not read, when it exists but is not a regular file of a readable size."""
        self(path)
        return self._problems.get(path)

    def exists(self, path: Path) -> bool:
        return self(path) is not None or self.problem(path) is not None
