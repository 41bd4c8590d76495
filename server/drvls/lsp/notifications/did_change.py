"""`textDocument/didChange`: apply the edits, then re-check the document (debounced) and its dependents."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer

log = logging.getLogger(__name__)


def register(server: DrvlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        doc = server.documents.get(params.text_document.uri)
        if doc is None:
            log.warning("change for a document that is not open: %s", params.text_document.uri)
            return
        doc.change(params.text_document.version, params.content_changes, server.encoding)
        doc.changed_at = asyncio.get_running_loop().time()
        server.schedule(doc)
        if doc.path is not None:
            server.recheck_dependents([doc.path])
        server.notify_listeners("change", doc.uri)
