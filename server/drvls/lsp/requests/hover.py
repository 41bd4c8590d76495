"""`textDocument/hover`: Markdown about the name or diagnostic under the cursor (`core/hover.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from drvls.core.hover import hover as core_hover
from drvls.core.languages import analyzer_for
from drvls.lsp.navigation import target

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer


async def hover(server: DrvlsServer, uri: str, position: types.Position) -> types.Hover | None:
    here = await target(server, uri)
    if here is None or here.path is None or here.analysis is None:
        return None
    analyzer = analyzer_for(here.path)
    found = core_hover(analyzer.name if analyzer is not None else None, here.analysis, here.query,
                       here.position(position))
    if found is None:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=found.markdown),
                       range=here.range(found.range))


def register(server: DrvlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def on_hover(params: types.HoverParams) -> types.Hover | None:
        return await hover(server, params.text_document.uri, params.position)
