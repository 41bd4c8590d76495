"""Open documents: their text, version, last analysis and the edits made since it.

The server keeps its own copy of each buffer (instead of pygls' workspace) because it needs
the text *before* each incremental change to express the change as a tree-sitter edit
(byte offsets and (row, byte column) points), which lets analyzers reparse incrementally.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import to_fs_path

from drvls.core.languages import Analysis, Edit
from drvls.core.reading import ReadProblem, read_bounded
from drvls.core.text import LineIndex
from drvls.lsp.convert import PositionMapper

if TYPE_CHECKING:
    from drvls.lsp.checking import Outcome


def normalise_path(path: Path | str) -> Path:
    """An absolute, lexically normalised path, so dependency paths compare equal to buffer paths."""
    return Path(os.path.normpath(os.path.abspath(path)))


@lru_cache(maxsize=64)
def normalised(paths: frozenset[Path]) -> frozenset[Path]:
    """`normalise_path` of each of an analysis's dependencies: a keystroke in a file that names
    hundreds of program images makes an equal set again, so it is normalised once, not per edit."""
    return frozenset(map(normalise_path, paths))


def uri_to_path(uri: str) -> Path | None:
    fs_path = to_fs_path(uri)
    return normalise_path(fs_path) if fs_path else None


def _point_after(start: tuple[int, int], inserted: bytes) -> tuple[int, int]:
    """The tree-sitter point reached after inserting `inserted` at `start`."""
    newlines = inserted.count(b"\n")
    if newlines == 0:
        return (start[0], start[1] + len(inserted))
    return (start[0] + newlines, len(inserted) - inserted.rfind(b"\n") - 1)


def _row_point(index: LineIndex, offset: int) -> tuple[int, int]:
    """The tree-sitter point (row, byte column) of a byte offset."""
    row = index._rows.line_of(offset)
    return (row, offset - index._rows[row])


def apply_change(
    text: str, change: types.TextDocumentContentChangeEvent, encoding: str
) -> tuple[str, Edit]:
    """One content change applied to `text`, and the same change as a tree-sitter edit."""
    index, edit = apply_indexed(LineIndex(text), change, encoding)
    return index.text, edit


def apply_indexed(
    index: LineIndex, change: types.TextDocumentContentChangeEvent, encoding: str
) -> tuple[LineIndex, Edit]:
    """One content change applied to an indexed text: the new text's index (made from this one, so a
    keystroke re-reads only the lines it touches) and the change as a tree-sitter edit."""
    data = index.data
    if not isinstance(change, types.TextDocumentContentChangePartial):
        new_text = change.text
        whole = LineIndex(new_text)
        end_point = _row_point(index, len(data))
        return whole, Edit(0, len(data), len(whole.data), (0, 0), end_point, _point_after((0, 0), whole.data))
    mapper = PositionMapper(index.text, encoding, index)
    start = index.byte_offset(mapper.core_position(change.range.start))
    end = max(start, index.byte_offset(mapper.core_position(change.range.end)))
    inserted = change.text.encode("utf-8", "surrogatepass")
    new_data = data[:start] + inserted + data[end:]
    if index._ascii and len(inserted) == len(change.text):  # offsets are characters: no decoding
        new_text = index.text[:start] + change.text + index.text[end:]
    else:
        new_text = new_data.decode("utf-8", "surrogatepass")
    start_point = _row_point(index, start)
    edit = Edit(
        start_byte=start,
        old_end_byte=end,
        new_end_byte=start + len(inserted),
        start_point=start_point,
        old_end_point=_row_point(index, end),
        new_end_point=_point_after(start_point, inserted),
    )
    return index.edited(start, end, inserted, new_text, new_data), edit


@dataclass
class Snapshot:
    """What one analysis run sees: immutable copies taken on the event loop."""

    uri: str
    path: Path | None
    text: str
    version: int
    generation: int
    previous: Analysis | None
    edits: tuple[Edit, ...]
    lines: LineIndex | None = None  # the line index of `text`


@dataclass
class DocumentState:
    uri: str
    path: Path | None
    text: str
    version: int
    language_id: str = ""
    # The last analysis and the edits that turn its text into `text` (for incremental reparsing).
    analysis: Analysis | None = None
    analysed_text: str = ""
    analysed_version: int | None = None
    pending_edits: list[Edit] = field(default_factory=list)
    # Bumped when settings or dependencies change, so results computed before are dropped.
    generation: int = 0
    result_id: str | None = None
    outcome: Outcome | None = None
    published_result_id: str | None = None
    # Event-loop time of the last edit, for debouncing pulls.
    changed_at: float | None = None
    timer: asyncio.TimerHandle | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # The line index of `text`, carried from version to version (built on first use).
    index: LineIndex | None = field(default=None, repr=False)

    def lines(self) -> LineIndex:
        if self.index is None or self.index.text is not self.text:
            self.index = LineIndex(self.text)
        return self.index

    def change(self, version: int, changes: Sequence[types.TextDocumentContentChangeEvent], encoding: str) -> None:
        index = self.lines()
        for change in changes:
            index, edit = apply_indexed(index, change, encoding)
            self.pending_edits.append(edit)
        self.index, self.text = index, index.text
        self.version = version

    def snapshot(self) -> Snapshot:
        return Snapshot(self.uri, self.path, self.text, self.version, self.generation,
                        self.analysis, tuple(self.pending_edits), self.lines())

    def record(self, snap: Snapshot, analysis: Analysis, result_id: str) -> bool:
        """Keep a finished analysis as the base for the next one; False if it was invalidated meanwhile."""
        if snap.generation != self.generation:
            return False
        self.analysis = analysis
        self.analysed_text = snap.text
        self.analysed_version = snap.version
        del self.pending_edits[: len(snap.edits)]
        self.result_id = result_id
        return True

    def is_current(self) -> bool:
        return self.analysis is not None and self.analysed_version == self.version and not self.pending_edits

    def invalidate(self) -> None:
        """Forget the last analysis (settings or a dependency changed): the next run starts afresh."""
        self.generation += 1
        self.analysis = None
        self.analysed_version = None
        self.pending_edits.clear()
        self.result_id = None
        self.outcome = None

    def cancel_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


class DocumentStore:
    """Open documents by URI; readable from worker threads (buffers are replaced, never mutated)."""

    def __init__(self) -> None:
        self._docs: dict[str, DocumentState] = {}
        self._by_path: dict[Path, str] = {}
        self._lock = threading.Lock()

    def open(self, item: types.TextDocumentItem) -> DocumentState:
        path = uri_to_path(item.uri)
        doc = DocumentState(uri=item.uri, path=path, text=item.text, version=item.version,
                            language_id=item.language_id)
        with self._lock:
            old = self._docs.get(item.uri)
            if old is not None:
                old.cancel_timer()
            self._docs[item.uri] = doc
            if path is not None:
                self._by_path[path] = item.uri
        return doc

    def close(self, uri: str) -> DocumentState | None:
        with self._lock:
            doc = self._docs.pop(uri, None)
            if doc is not None and doc.path is not None and self._by_path.get(doc.path) == uri:
                del self._by_path[doc.path]
        if doc is not None:
            doc.cancel_timer()
        return doc

    def get(self, uri: str) -> DocumentState | None:
        return self._docs.get(uri)

    def by_path(self, path: Path) -> DocumentState | None:
        uri = self._by_path.get(normalise_path(path))
        return self._docs.get(uri) if uri is not None else None

    def all(self) -> list[DocumentState]:
        with self._lock:
            return list(self._docs.values())

    def dependents(self, paths: Iterable[Path]) -> list[DocumentState]:
        """Open documents whose last analysis read one of `paths`."""
        wanted = {normalise_path(p) for p in paths}
        out = []
        for doc in self.all():
            if doc.analysis is None:
                continue
            if not wanted.isdisjoint(normalised(doc.analysis.dependencies)) and doc.path not in wanted:
                out.append(doc)
        return out


class BufferWorkspace:
    """The `Workspace` analyzers read through: open buffers win over the disk."""

    def __init__(self, documents: DocumentStore, roots: Sequence[Path] = ()) -> None:
        self._documents = documents
        self._roots = list(roots)

    def set_roots(self, roots: Sequence[Path]) -> None:
        self._roots = list(roots)

    def read(self, path: Path) -> bytes | None:
        doc = self._documents.by_path(path)
        if doc is not None:
            return doc.text.encode("utf-8", "surrogatepass")
        data = read_bounded(path)
        return None if isinstance(data, ReadProblem) else data

    def read_text(self, path: Path) -> str | None:
        data = self.read(path)
        return data.decode("utf-8", "replace") if data is not None else None

    def roots(self) -> Sequence[Path]:
        return self._roots
