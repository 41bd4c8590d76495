"""`workspace/didChangeWatchedFiles`: files changed on disk; re-check the open files that read them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from drvls.lsp.documents import uri_to_path
from drvls.lsp.settings import is_config_file

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer


def register(server: DrvlsServer) -> None:
    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        paths = [p for p in (uri_to_path(change.uri) for change in params.changes) if p is not None]
        server.notify_disk_listeners(paths)
        if any(change.type != types.FileChangeType.Changed for change in params.changes):
            server.forget_file_list()  # a file appeared or went away
        if any(is_config_file(p) for p in paths):
            server.config_changed()
            return
        on_disk = [p for p in paths if server.documents.by_path(p) is None]  # an open buffer wins over its file
        if on_disk:
            server.recheck_dependents(on_disk)
