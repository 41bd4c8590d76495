"""Suppression through the real server: inline `drvls: ignore[CODE]` comments and `select`/`ignore` settings.

Every test runs twice, with a pulling (VS Code-like) and a publishing (Neovim-like) client.
"""

from __future__ import annotations

import pytest
from lsp_support import Editor, needs_microkit, summary

pytestmark = needs_microkit

PD_LINE = '  <protection_domain name="a" priority="300">\n'
BAD = ('<?xml version="1.0"?>\n<system>\n' + PD_LINE
       + '    <program_image path="a.elf" />\n  </protection_domain>\n</system>\n')
COLUMN = PD_LINE.index('"300"') + 1
COMMENT = "  <!-- drvls: ignore[MK020] -->\n"


async def test_inline_comment_on_the_line_before_silences_the_code(editor: Editor) -> None:
    uri = editor.open("a.system", BAD.replace(PD_LINE, COMMENT + PD_LINE))
    assert await editor.diagnostics(uri) == []
    # Typing another code into the comment brings the diagnostic back, at its exact range.
    editor.change(uri, (2, COMMENT.index("MK020")), (2, COMMENT.index("MK020") + 5), "MK021")
    assert summary(await editor.diagnostics(uri)) == [("MK020", 3, COLUMN, 3, COLUMN + 3)]


async def test_a_comment_two_lines_above_does_not_apply(editor: Editor) -> None:
    uri = editor.open("a.system", BAD.replace("<system>\n", "<system>\n" + COMMENT + "\n"))
    assert summary(await editor.diagnostics(uri)) == [("MK020", 4, COLUMN, 4, COLUMN + 3)]


@pytest.mark.editor_settings({"ignore": ["MK020", "MK201"]})
async def test_ignore_setting_applies_in_the_editor(editor: Editor) -> None:
    uri = editor.open("a.system", BAD)
    assert await editor.diagnostics(uri) == []


@pytest.mark.editor_settings({"select": ["MK03"]})
async def test_select_setting_applies_in_the_editor(editor: Editor) -> None:
    uri = editor.open("a.system", BAD)
    assert await editor.diagnostics(uri) == []
    editor.change(uri, (3, 0), (3, 0), '    <map mr="nope" vaddr="0x1000" />\n')
    assert [d.code for d in await editor.diagnostics(uri)] == ["MK033"]


async def test_a_marker_completed_by_a_keystroke_applies_and_removing_it_lifts_it(editor: Editor) -> None:
    """The marker is searched for around each edit of a text known to have none: one made by typing its
    last character, or taken apart again, counts at once."""
    uri = editor.open("a.system", BAD)
    assert summary(await editor.diagnostics(uri)) == [("MK020", 2, COLUMN, 2, COLUMN + 3)]
    editor.change(uri, (2, 0), (2, 0), COMMENT.replace("drvls:", "drvls"))
    assert summary(await editor.diagnostics(uri)) == [("MK020", 3, COLUMN, 3, COLUMN + 3)]
    colon = COMMENT.index(":")
    editor.change(uri, (2, colon), (2, colon), ":")
    assert await editor.diagnostics(uri) == []
    editor.change(uri, (2, colon - 1), (2, colon), "")  # `drvl:` is no marker
    assert summary(await editor.diagnostics(uri)) == [("MK020", 3, COLUMN, 3, COLUMN + 3)]
