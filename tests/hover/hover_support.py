"""What the hover tests share: the navigation tests' real server and position helpers, and one hover call."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from lsprotocol import types

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "navigation"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lsp"))
from lsp_support import WAIT
from nav_support import RECORDING, RecordingClient, open_file, position, start_editor

__all__ = ["RECORDING", "RecordingClient", "hover_at", "open_file", "position", "start_editor"]


async def hover_at(client: RecordingClient, uri: str, text: str, needle: str, offset: int = 0,
                   occurrence: int = 0) -> types.Hover | None:
    """The server's hover `offset` characters into `needle`, with its Markdown checked to be Markdown."""
    found = await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position(text, needle, offset, occurrence))),
        WAIT)
    if found is not None:
        assert isinstance(found.contents, types.MarkupContent)
        assert found.contents.kind == types.MarkupKind.Markdown
    return found


def markdown(found: types.Hover | None) -> str:
    assert found is not None, "no hover"
    assert isinstance(found.contents, types.MarkupContent)
    return found.contents.value


def covered(text: str, rng: types.Range) -> str:
    lines = text.split("\n")
    assert rng.start.line == rng.end.line
    return lines[rng.start.line][rng.start.character:rng.end.character]


async def assert_hover(client: RecordingClient, uri: str, text: str, needle: str, offset: int, word: str,
                       says: list[str]) -> None:
    """The hover `offset` characters into `needle` covers `word` and says each of `says`."""
    found = await hover_at(client, uri, text, needle, offset)
    shown = markdown(found)
    for part in says:
        assert part in shown, f"{part!r} not in\n{shown}"
    assert found is not None and found.range is not None and covered(text, found.range) == word
