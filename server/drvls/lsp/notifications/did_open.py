"""`textDocument/didOpen`: the buffer joins the store and is analysed at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer


def register(server: DrvlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        doc = server.documents.open(params.text_document)
        server.schedule(doc, 0.0)
        server.notify_listeners("open", doc.uri)
