"""`workspace/didChangeWorkspaceFolders`: the server's roots follow the editor's folders, and every
verdict that depends on them (the CAmkES apps importing a file) is taken afresh."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer


def register(server: DrvlsServer) -> None:
    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def did_change_folders(params: types.DidChangeWorkspaceFoldersParams) -> None:
        server.folders_changed()
