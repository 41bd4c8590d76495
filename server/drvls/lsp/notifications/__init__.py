"""The server's notification handlers: one module per notification, each exposing `register(server)`.

Listed explicitly and loaded like the request modules (`drvls.lsp.features.register_features`):
a module that cannot import or register stops the server. Every handler runs on the event loop
and only changes the server's state or schedules work; analysis runs on worker threads.
"""

from __future__ import annotations

NOTIFICATION_MODULES: tuple[str, ...] = (
    "drvls.lsp.notifications.initialized",
    "drvls.lsp.notifications.did_open",
    "drvls.lsp.notifications.did_change",
    "drvls.lsp.notifications.did_close",
    "drvls.lsp.notifications.did_save",
    "drvls.lsp.notifications.did_change_watched_files",
    "drvls.lsp.notifications.did_change_configuration",
    "drvls.lsp.notifications.did_change_workspace_folders",
)
