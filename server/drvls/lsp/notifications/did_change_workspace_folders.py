"""`workspace/didChangeWorkspaceFolders`: the server's roots follow the editor's folders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer


def register(server: DrvlsServer) -> None:
    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def did_change_folders(params: types.DidChangeWorkspaceFoldersParams) -> None:
        server.view.set_roots(server.workspace_roots())
        server.forget_file_list()
