"""`textDocument/codeLens`: the one handler for every lens (pygls takes one handler per method).

The families' lenses come from the core (`core/code_lens.py`: a PD's maps, channels and
priority); the signature lens of `lsp/features/signing.py` is added for every checked file.
Family lenses are title-only: the VS Code client cannot pass the protocol's locations to
`editor.action.showReferences` without converting them, so no command is offered.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from drvls.core.code_lens import CodeLens, lenses_for
from drvls.lsp.current import current, off_loop
from drvls.lsp.features import signing

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer

log = logging.getLogger(__name__)


async def family_lenses(server: DrvlsServer, uri: str) -> list[types.CodeLens]:
    here = await current(server, uri)
    if here is None:
        return []
    found: list[CodeLens] = await off_loop(server, lambda: lenses_for(here.analysis))
    return [types.CodeLens(range=here.mapper.range(lens.range), command=types.Command(title=lens.title, command=""))
            for lens in found]


async def code_lenses(server: DrvlsServer, uri: str) -> list[types.CodeLens]:
    try:  # verifying a signature reads and hashes the file: on a worker thread, from a snapshot
        signature = await off_loop(server, lambda: signing.code_lenses(server, uri))
    except Exception:
        log.exception("signature code lens failed")
        signature = []
    return [*signature, *await family_lenses(server, uri)]


def register(server: DrvlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    async def on_code_lens(params: types.CodeLensParams) -> list[types.CodeLens]:
        return await code_lenses(server, params.text_document.uri)
