"""Odd input from a client never takes the server down; it keeps answering afterwards."""

from __future__ import annotations

from lsp_support import Editor, as_client, core_diagnostics, needs_microkit, summary
from lsprotocol import types

pytestmark = needs_microkit

TEXT = ('<?xml version="1.0"?>\n<system>\n  <protection_domain name="a" priority="300">\n'
        '    <program_image path="a.elf" />\n  </protection_domain>\n</system>\n')


async def test_out_of_range_edits_are_clamped(editor: Editor) -> None:
    uri = editor.open("a.system", TEXT)
    await editor.diagnostics(uri)
    editor.change(uri, (99, 0), (120, 5), "<!-- appended past the end -->")  # beyond the last line
    editor.change(uri, (2, 400), (2, 500), "")  # beyond the end of a line: an insertion at its end
    found = summary(await editor.diagnostics(uri))
    assert ("MK020", 2, 40, 2, 43) in found


async def test_unknown_documents_and_schemes_are_harmless(editor: Editor) -> None:
    editor.client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=editor.uri("never-opened.system"), version=3),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text="<system/>")]))
    untitled = "untitled:Untitled-1"
    editor.versions[untitled] = 1
    editor.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=untitled, language_id="xml", version=1, text="<system><broken")))
    assert await editor.diagnostics(untitled) == []
    uri = editor.open("a.system", TEXT)
    assert summary(await editor.diagnostics(uri)) == [("MK020", 2, 40, 2, 43)]


async def test_a_file_of_another_family_is_left_alone(editor: Editor) -> None:
    uri = editor.open("notes.txt", "priority 300\n", "plaintext")
    assert await editor.diagnostics(uri) == []


async def test_every_publication_matches_the_text_of_its_version(push_editor: Editor) -> None:
    """Rapid edits with no debounce: whatever is published is right for the version it names."""
    editor = push_editor
    uri = editor.open("a.system", TEXT)
    await editor.wait_published(uri, 1)
    texts = {1: TEXT}
    column = TEXT.splitlines()[2].index("300")
    current = TEXT
    for i in range(30):
        value = ("300", "30 ", "25x")[i % 3]
        line = current.splitlines()[2]
        current = current.replace(line, line[:column] + value + line[column + 3:])
        texts[editor.change(uri, (2, column), (2, column + 3), value)] = current
    last = max(texts)
    await editor.wait_published(uri, last)
    path = editor.root / "a.system"
    for item in editor.client.published:
        if item.uri == uri and item.version is not None:
            expected = as_client(texts[item.version], core_diagnostics(path, texts[item.version]))
            assert summary(item.diagnostics) == expected, item.version
