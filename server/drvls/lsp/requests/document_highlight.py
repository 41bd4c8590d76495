"""`textDocument/documentHighlight`: the other occurrences of the name under the cursor in this file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from drvls.lsp.navigation import target

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer


async def highlights(server: DrvlsServer, params: types.DocumentHighlightParams) -> list[types.DocumentHighlight]:
    here = await target(server, params.text_document.uri)
    if here is None:
        return []
    return [types.DocumentHighlight(range=here.range(h.range), kind=types.DocumentHighlightKind.Write
                                    if h.definition else types.DocumentHighlightKind.Read)
            for h in here.query.highlights(here.position(params.position))]


def register(server: DrvlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    async def on_highlight(params: types.DocumentHighlightParams) -> list[types.DocumentHighlight]:
        return await highlights(server, params)
