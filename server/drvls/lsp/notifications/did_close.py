"""`textDocument/didClose`: the disk is the truth again, for the file and for what read its buffer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer


def register(server: DrvlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        doc = server.documents.close(params.text_document.uri)
        server.clear_published(params.text_document.uri)
        if doc is not None and doc.path is not None:
            server.recheck_dependents([doc.path])
        server.notify_listeners("close", params.text_document.uri)
