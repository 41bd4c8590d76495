"""Columns in the negotiated position encoding, with text outside ASCII before the problem.

`é` is two UTF-8 bytes and one UTF-16 unit; `😀` is four UTF-8 bytes and two UTF-16 units.
"""

from __future__ import annotations

import pytest
from lsp_support import Editor, needs_microkit, summary, units

pytestmark = [needs_microkit, pytest.mark.editor_settings({"microkit": {"arch": "x86_64"}})]

PD_LINE = '  <protection_domain name="é😀" smc="true" priority="1">\n'
TEXT = ('<?xml version="1.0"?>\n<system>\n' + PD_LINE
        + '    <program_image path="a.elf" />\n  </protection_domain>\n</system>\n')
VALUE = PD_LINE.index("true")  # code points


def column(encoding: str, code_points: int) -> int:
    return units(PD_LINE[:code_points], encoding)


@pytest.mark.encodings(["utf-16"])
async def test_utf16_columns(editor: Editor) -> None:
    await _check(editor, "utf-16")


@pytest.mark.encodings(["utf-8", "utf-16"])
async def test_utf8_columns_when_the_client_prefers_them(editor: Editor) -> None:
    await _check(editor, "utf-8")


@pytest.mark.encodings(["utf-32"])
async def test_code_point_columns(editor: Editor) -> None:
    await _check(editor, "utf-32")


async def _check(editor: Editor, encoding: str) -> None:
    assert editor.init.capabilities.position_encoding == encoding
    uri = editor.open("enc.system", TEXT)
    start, end = column(encoding, VALUE), column(encoding, VALUE + 4)
    assert summary(await editor.diagnostics(uri)) == [("MK025", 2, start, 2, end)]
    # An edit addressed in the same encoding: `true` → `false` clears it, `true` again brings it back.
    editor.change(uri, (2, start), (2, end), "false")
    assert await editor.diagnostics(uri) == []
    editor.change(uri, (2, start), (2, start + len("false")), "true")
    assert summary(await editor.diagnostics(uri)) == [("MK025", 2, start, 2, end)]
