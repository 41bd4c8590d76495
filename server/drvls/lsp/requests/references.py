"""`textDocument/references`: every use of the name under the cursor in every analysis the server holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from drvls.lsp.navigation import Locations, target

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer


async def references(server: DrvlsServer, params: types.ReferenceParams) -> list[types.Location]:
    here = await target(server, params.text_document.uri)
    if here is None:
        return []
    found = here.query.references(here.position(params.position), params.context.include_declaration)
    return Locations(server, here).locations(found)


def register(server: DrvlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    async def on_references(params: types.ReferenceParams) -> list[types.Location]:
        return await references(server, params)
