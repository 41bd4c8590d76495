"""`textDocument/documentLink`: ranges naming other files (program images, prefills, imports, sources)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import from_fs_path

from drvls.lsp.navigation import target

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer


async def document_links(server: DrvlsServer, params: types.DocumentLinkParams) -> list[types.DocumentLink]:
    here = await target(server, params.text_document.uri)
    if here is None:
        return []
    out = []
    for link in here.query.links():
        uri = from_fs_path(str(link.target))
        if uri is not None:
            out.append(types.DocumentLink(range=here.range(link.range), target=uri, tooltip=str(link.target)))
    return out


def register(server: DrvlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK, types.DocumentLinkOptions(resolve_provider=False))
    async def on_document_links(params: types.DocumentLinkParams) -> list[types.DocumentLink]:
        return await document_links(server, params)
