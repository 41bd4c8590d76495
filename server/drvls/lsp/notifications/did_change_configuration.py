"""`workspace/didChangeConfiguration`: new editor settings re-check everything open."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from drvls.lsp.capabilities import capability

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer


def register(server: DrvlsServer) -> None:
    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
        if capability(server.client_capabilities, "workspace", "configuration"):
            changed = await server.pull_settings()  # the notification's own payload may be empty
        else:
            changed = server.settings.update(params.settings)
        if changed:
            server.recheck_all()
