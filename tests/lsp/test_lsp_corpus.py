"""Real Microkit system descriptions through the server: what the editor shows equals what the
analysis core reports for the same text, range for range, in the client's UTF-16 columns."""

from __future__ import annotations

from pathlib import Path

from lsp_support import Editor, as_client, core_diagnostics, needs_microkit, summary
from lsprotocol import types
from prerequisites import CORPUS, corpus_path

pytestmark = needs_microkit


def corpus_files(suffix: str) -> list[Path]:
    return sorted(corpus_path().rglob(f"*{suffix}"))


async def test_corpus_system_files_match_the_core(pull_editor: Editor) -> None:
    editor = pull_editor
    files = corpus_files(".system")
    assert files, "the corpus holds no .system files"
    compared = 0
    for path in files:
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue  # an editor could not hold it as a text buffer either
        uri = path.as_uri()
        editor.versions[uri] = 1
        editor.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
            uri=uri, language_id="xml", version=1, text=text)))
        shown = summary(await editor.diagnostics(uri))
        assert shown == as_client(text, core_diagnostics(path, text), "utf-16"), path.relative_to(CORPUS)
        editor.client.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))
        compared += 1
    assert compared >= len(files) // 2
