"""Work-done progress (`$/progress`) for workspace-wide work: the first workspace diagnostics and
the re-check after a settings change. Used only when the client supports it."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer

log = logging.getLogger(__name__)


class Reporter:
    """Reports `done` of `total` items; silent when the client takes no progress."""

    def __init__(self, server: DrvlsServer, token: types.ProgressToken | None, total: int) -> None:
        self._server = server
        self._token = token
        self._total = max(total, 1)
        self._last = -1

    def report(self, done: int, message: str = "") -> None:
        percentage = min(100, done * 100 // self._total)
        if self._token is None or percentage == self._last:
            return
        self._last = percentage
        self._server.work_done_progress.report(self._token, types.WorkDoneProgressReport(
            message=message or f"{done}/{self._total}", percentage=percentage))


def client_takes_progress(server: DrvlsServer) -> bool:
    window = getattr(server.client_capabilities, "window", None)
    return bool(getattr(window, "work_done_progress", False))


@asynccontextmanager
async def progress(server: DrvlsServer, title: str, total: int,
                   token: types.ProgressToken | None = None) -> AsyncIterator[Reporter]:
    """Begin/report/end around a block; `token` is the client's own (`workDoneToken`) when it sent one."""
    if token is None and client_takes_progress(server) and total > 0:
        token = f"drvls-{secrets.token_hex(6)}"
        try:
            await server.work_done_progress.create_async(token)
        except Exception as exc:  # the client refused: work on without progress
            log.debug("work done progress refused: %s", exc)
            token = None
    if token is not None:
        server.work_done_progress.begin(token, types.WorkDoneProgressBegin(
            title=title, cancellable=False, percentage=0))
    try:
        yield Reporter(server, token, total)
    finally:
        if token is not None:
            server.work_done_progress.end(token, types.WorkDoneProgressEnd())
