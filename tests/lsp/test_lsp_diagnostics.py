"""Diagnostics of a `.system` file through the real server: exact ranges, incremental edits, fixes.

Every test runs twice, with a pulling (VS Code-like) and a publishing (Neovim-like) client.
"""

from __future__ import annotations

import pytest
from lsp_support import Editor, as_client, core_diagnostics, needs_microkit, summary
from lsprotocol import types

pytestmark = needs_microkit

PD_LINE = '  <protection_domain name="a" priority="1">\n'
VALID = ('<?xml version="1.0"?>\n<system>\n' + PD_LINE
         + '    <program_image path="a.elf" />\n  </protection_domain>\n</system>\n')
BAD_PRIORITY = VALID.replace('priority="1"', 'priority="300"')
PRIORITY_COLUMN = PD_LINE.index('"1"') + 1  # the value's first character


async def test_diagnostic_has_the_exact_range(editor: Editor) -> None:
    uri = editor.open("a.system", BAD_PRIORITY)
    found = await editor.diagnostics(uri)
    assert summary(found) == [("MK020", 2, PRIORITY_COLUMN, 2, PRIORITY_COLUMN + 3)]
    assert summary(found) == as_client(BAD_PRIORITY, core_diagnostics(editor.root / "a.system", BAD_PRIORITY))
    (diag,) = found
    assert diag.severity == types.DiagnosticSeverity.Error
    assert diag.source == "drvls"
    assert "priority" in diag.message


async def test_incremental_edit_updates_then_fix_clears(editor: Editor) -> None:
    uri = editor.open("a.system", VALID)
    assert await editor.diagnostics(uri) == []

    editor.change(uri, (2, PRIORITY_COLUMN), (2, PRIORITY_COLUMN + 1), "300")
    assert summary(await editor.diagnostics(uri)) == [("MK020", 2, PRIORITY_COLUMN, 2, PRIORITY_COLUMN + 3)]

    editor.change(uri, (2, PRIORITY_COLUMN), (2, PRIORITY_COLUMN + 3), "254")
    assert await editor.diagnostics(uri) == []


async def test_edits_above_move_the_range(editor: Editor) -> None:
    uri = editor.open("a.system", BAD_PRIORITY)
    await editor.diagnostics(uri)
    editor.change(uri, (1, 8), (1, 8), "\n\n  <!-- two lines added -->")
    assert summary(await editor.diagnostics(uri)) == [("MK020", 4, PRIORITY_COLUMN, 4, PRIORITY_COLUMN + 3)]


async def test_several_changes_in_one_notification_apply_in_order(editor: Editor) -> None:
    uri = editor.open("a.system", VALID)
    await editor.diagnostics(uri)
    editor.versions[uri] += 1
    editor.client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=editor.versions[uri]),
        content_changes=[
            # "1" → "3000", then delete the last "0" using positions of the text after the first change
            types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(line=2, character=PRIORITY_COLUMN),
                                  end=types.Position(line=2, character=PRIORITY_COLUMN + 1)), text="3000"),
            types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(line=2, character=PRIORITY_COLUMN + 3),
                                  end=types.Position(line=2, character=PRIORITY_COLUMN + 4)), text=""),
        ]))
    assert summary(await editor.diagnostics(uri)) == [("MK020", 2, PRIORITY_COLUMN, 2, PRIORITY_COLUMN + 3)]


async def test_broken_xml_is_reported_and_recovers(editor: Editor) -> None:
    uri = editor.open("a.system", VALID)
    await editor.diagnostics(uri)
    closing = VALID.splitlines()[4]
    editor.change(uri, (4, 2), (4, len(closing)), "<protection_domain>")  # a start tag where the end tag was
    broken = await editor.diagnostics(uri)
    assert [d.code for d in broken] and all(d.code == "MK001" for d in broken)
    editor.change(uri, (4, 2), (4, 2 + len("<protection_domain>")), "</protection_domain>")
    assert await editor.diagnostics(uri) == []


@pytest.mark.editor_settings({"maxFileSize": 64})
async def test_oversized_buffer_gets_one_plain_diagnostic(editor: Editor) -> None:
    uri = editor.open("big.system", VALID)
    found = await editor.diagnostics(uri)
    assert summary(found) == [("DL001", 0, 0, 0, 0)]
    assert "max-file-size" in found[0].message
