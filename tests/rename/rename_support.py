"""What the rename tests share: a real server over stdio, positions found by the text at them, and
a workspace edit applied the way an editor applies it (each file's edits from the end backwards)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lsp"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "navigation"))
from lsp_support import EDITOR_DEFAULTS, RECORDING, WAIT, RecordingClient, start_editor
from nav_support import open_file, position

__all__ = ["EDITOR_DEFAULTS", "RECORDING", "RecordingClient", "open_file", "position", "start_editor"]


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


async def prepare(client: RecordingClient, uri: str, pos: types.Position) -> types.Range | None:
    found = await asyncio.wait_for(client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=doc(uri), position=pos)), WAIT)
    assert found is None or isinstance(found, types.Range), found
    return found


async def rename(client: RecordingClient, uri: str, pos: types.Position, new_name: str) -> types.WorkspaceEdit:
    found = await asyncio.wait_for(client.text_document_rename_async(
        types.RenameParams(text_document=doc(uri), position=pos, new_name=new_name)), WAIT)
    assert isinstance(found, types.WorkspaceEdit), found
    return found


def edits_by_uri(edit: types.WorkspaceEdit) -> dict[str, list[types.TextEdit]]:
    """The edits per file, from `documentChanges` or `changes`, whichever the server sent."""
    if edit.document_changes is not None:
        out: dict[str, list[types.TextEdit]] = {}
        for change in edit.document_changes:
            assert isinstance(change, types.TextDocumentEdit)
            out.setdefault(change.text_document.uri, []).extend(
                e for e in change.edits if isinstance(e, types.TextEdit))
        return out
    return {uri: list(edits) for uri, edits in (edit.changes or {}).items()}


def text_at(text: str, rng: types.Range) -> str:
    lines = text.split("\n")
    assert rng.start.line == rng.end.line
    return lines[rng.start.line][rng.start.character:rng.end.character]


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """The text after the edits (ASCII text: UTF-16 columns are code points)."""
    lines = text.split("\n")
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        line = lines[edit.range.start.line]
        lines[edit.range.start.line] = (line[:edit.range.start.character] + edit.new_text
                                        + line[edit.range.end.character:])
    return "\n".join(lines)


def path_of(uri: str) -> Path:
    found = to_fs_path(uri)
    assert found is not None
    return Path(found)


def corpus_file(*parts: str) -> Path:
    """A file of the shared corpus (skipped locally, a failure under CI, when it is not there)."""
    from prerequisites import corpus_path

    return corpus_path(*parts[:-1], required_file=parts[-1]) / parts[-1]
