"""What each client is told and sent: VS Code (prepare support, document changes) gets `renameProvider`
with `prepareProvider` and versioned `documentChanges`; Neovim 0.9 (no document changes) gets `changes`;
Emacs (no prepare support) gets a plain `renameProvider`."""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import client_capabilities
from rename_support import RecordingClient, corpus_file, open_file, position, rename

SERIAL = ("microkit", "au-ts__sddf", "examples", "serial_two_client", "board", "qemu_arm_virt", "serial.system")


async def test_each_client_gets_the_edit_form_it_supports(profile_client: RecordingClient) -> None:
    caps = client_capabilities(profile_client.editor.mode)
    rename_caps = caps.text_document.rename if caps.text_document is not None else None
    prepare_support = bool(rename_caps is not None and rename_caps.prepare_support)
    expected = types.RenameOptions(prepare_provider=True) if prepare_support else True
    assert profile_client.editor.init.capabilities.rename_provider == expected

    uri, text = open_file(profile_client, corpus_file(*SERIAL), "xml")
    edit = await rename(profile_client, uri, position(text, '<map mr="uart"', 10), "serial_device")
    workspace_edit = caps.workspace.workspace_edit if caps.workspace is not None else None
    if workspace_edit is not None and workspace_edit.document_changes:
        assert edit.changes is None and edit.document_changes is not None
        (change,) = edit.document_changes
        assert isinstance(change, types.TextDocumentEdit)
        assert change.text_document == types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=1)
        assert len(change.edits) == 2
    else:
        assert edit.document_changes is None and edit.changes is not None
        assert list(edit.changes) == [uri] and len(edit.changes[uri]) == 2
