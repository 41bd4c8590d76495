"""`textDocument/definition` and `textDocument/declaration`: where the name under the cursor is defined."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from drvls.lsp.navigation import Locations, target

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer


async def definition(server: DrvlsServer, uri: str, position: types.Position) -> list[types.Location]:
    here = await target(server, uri)
    if here is None:
        return []
    return Locations(server, here).locations(here.query.definition(here.position(position)))


def register(server: DrvlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    async def on_definition(params: types.DefinitionParams) -> list[types.Location]:
        return await definition(server, params.text_document.uri, params.position)

    @server.feature(types.TEXT_DOCUMENT_DECLARATION)
    async def on_declaration(params: types.DeclarationParams) -> list[types.Location]:
        return await definition(server, params.text_document.uri, params.position)
