"""What the completion tests share: opening real files (or edited copies) in a real server, asking
for completion at positions found by the text there, and applying the chosen item as an editor does."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

from lsprotocol import types

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lsp"))
from lsp_support import EDITOR_DEFAULTS, RECORDING, WAIT, RecordingClient, start_editor
from text_edits import apply_text_edits

__all__ = ["EDITOR_DEFAULTS", "RECORDING", "RecordingClient", "start_editor"]

_PLACEHOLDER = re.compile(r"\$\{\d+\|([^|,}]*)[^}]*\}|\$\{\d+:([^{}]*)\}|\$\{\d+\}|\$\d+")


def position(text: str, needle: str, offset: int | None = None, occurrence: int = 0) -> types.Position:
    """The position `offset` characters into the `occurrence`-th `needle` (its end when None)."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    before = text[: start + (len(needle) if offset is None else offset)]
    return types.Position(line=before.count("\n"), character=len(before) - (before.rfind("\n") + 1))


def opened(client: RecordingClient, name: str, text: str, language_id: str = "xml") -> str:
    """Open `text` as the file `name` of the editor's project folder (written to disk too)."""
    client.editor.write(name, text)
    return client.editor.open(name, text, language_id)


async def complete(client: RecordingClient, uri: str, at: types.Position) -> list[types.CompletionItem]:
    """The items at `at`, in the order an editor lists them (sort text, then label)."""
    result = await asyncio.wait_for(client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=at)), WAIT)
    items = result.items if isinstance(result, types.CompletionList) else list(result or [])
    return sorted(items, key=lambda i: (i.sort_text or i.label, i.label))


def labels(items: list[types.CompletionItem]) -> list[str]:
    return [item.label for item in items]


def expand(snippet: str) -> str:
    """A snippet as inserted when every placeholder keeps its default (a choice its first value)."""
    previous = None
    while previous != snippet:
        previous = snippet
        snippet = _PLACEHOLDER.sub(lambda m: m.group(1) or m.group(2) or "", snippet)
    return snippet


def accept(text: str, item: types.CompletionItem) -> str:
    """`text` after an editor accepts `item` with its defaults: its main edit and its additional edits."""
    edit = item.text_edit
    assert isinstance(edit, types.TextEdit)
    new_text = expand(edit.new_text) if item.insert_text_format == types.InsertTextFormat.Snippet else edit.new_text
    return apply_text_edits(text, [types.TextEdit(range=edit.range, new_text=new_text),
                                   *(item.additional_text_edits or [])])
