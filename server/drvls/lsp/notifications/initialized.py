"""`initialized`: pull the editor's settings, then watch the config files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer


def register(server: DrvlsServer) -> None:
    @server.feature(types.INITIALIZED)
    async def initialized(params: types.InitializedParams) -> None:
        try:
            changed = await server.pull_settings()
            if changed and any(doc.analysis is not None for doc in server.documents.all()):
                server.recheck_all()  # only if something was analysed before the settings arrived
        finally:
            server.settings_ready().set()  # the first analysis waits for this, settings or not
        await server.register_config_watchers()
