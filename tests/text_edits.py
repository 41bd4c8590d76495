"""Applying LSP text edits to a text, as an editor does (for tests of quick fixes and code actions)."""

from __future__ import annotations

from lsprotocol import types


def apply_text_edits(text: str, edits: list[types.TextEdit]) -> str:
    """`text` with `edits` applied (positions in code points, lines split at LF), last edit first."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start = offsets[edit.range.start.line] + edit.range.start.character
        end = offsets[edit.range.end.line] + edit.range.end.character
        text = text[:start] + edit.new_text + text[end:]
    return text
