"""`workspace/diagnostic`: reports for every workspace file, with `$/progress`, cancellable between files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer


def register(server: DrvlsServer) -> None:
    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    async def on_workspace_diagnostic(params: types.WorkspaceDiagnosticParams) -> types.WorkspaceDiagnosticReport:
        previous = {item.uri: item.value for item in params.previous_result_ids}
        return await server.workspace_report(previous, params.work_done_token)
