"""Each client gets diagnostics one way only: pulled if it can pull, published otherwise.

Editors that receive both show every problem twice, so this is checked on the wire.
"""

from __future__ import annotations

from lsp_support import Editor
from lsprotocol import types

SYSTEM = '<?xml version="1.0"?>\n<system>\n</system>\n'


async def test_pull_client_is_never_sent_published_diagnostics(pull_editor: Editor) -> None:
    editor = pull_editor
    assert editor.init.capabilities.diagnostic_provider is not None
    uri = editor.open("a.system", SYSTEM)
    await editor.diagnostics(uri)
    editor.change(uri, (2, 0), (2, 0), "\n")
    await editor.diagnostics(uri)
    await editor.client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    assert editor.client.published == []


async def test_push_client_gets_published_diagnostics_only(push_editor: Editor) -> None:
    editor = push_editor
    assert editor.init.capabilities.diagnostic_provider is None
    uri = editor.open("a.system", SYSTEM)
    published = await editor.wait_published(uri, 1)
    assert published.uri == uri
    editor.client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    cleared = await editor.wait_published(uri, None)
    assert cleared.diagnostics == []


async def test_server_advertises_incremental_sync(editor: Editor) -> None:
    sync = editor.init.capabilities.text_document_sync
    assert isinstance(sync, types.TextDocumentSyncOptions)
    assert sync.change == types.TextDocumentSyncKind.Incremental
    assert sync.open_close is True
