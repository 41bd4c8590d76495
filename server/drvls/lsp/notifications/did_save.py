"""`textDocument/didSave`: a saved config file changes every file's settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from drvls.lsp.documents import uri_to_path
from drvls.lsp.settings import is_config_file

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer


def register(server: DrvlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        path = uri_to_path(params.text_document.uri)
        if path is not None and is_config_file(path):
            server.config_changed()
        server.notify_listeners("save", params.text_document.uri)
