"""Loggers made on first use, so a run that logs nothing never imports `logging`.

`logging` and what it pulls in (threading, traceback, string, weakref) cost about 4% of the
instructions of a one-file `drvls check`, which logs nothing unless `-v` is given or something
goes wrong. The modules such a run imports log through `Logger`; the CLI states the level and
format once (`configure`), and they are applied when the first message that passes the level is
logged. Records below the configured level are dropped without importing anything, as `logging`
itself would drop them.
"""

from __future__ import annotations

import sys
from typing import Any

DEBUG, INFO, WARNING, ERROR = 10, 20, 30, 40  # `logging`'s own level numbers
FORMAT = "drvls: %(message)s"

_pending: list[int] = []  # the level `configure` asked for, until `apply` hands it to `logging`


def configure(verbose: bool) -> None:
    """The CLI's logging: INFO with `-v`, else WARNING, to stderr; applied now when it will be used anyway."""
    _pending[:] = [INFO if verbose else WARNING]
    if verbose or "logging" in sys.modules:
        apply()


def apply() -> None:
    """Hand the configured level and format to `logging` (for code that logs through it directly)."""
    if not _pending:
        return
    import logging

    logging.basicConfig(level=_pending.pop(), format=FORMAT, stream=sys.stderr)


class Logger:
    """Stands for `logging.getLogger(name)`, fetched the first time a message passes the level."""

    def __init__(self, name: str) -> None:
        self.name = name

    def _log(self, level: int, method: str, msg: str, args: tuple[object, ...], kwargs: dict[str, Any]) -> None:
        if _pending and level < _pending[0]:
            return
        apply()
        import logging

        getattr(logging.getLogger(self.name), method)(msg, *args, stacklevel=3, **kwargs)

    def debug(self, msg: str, *args: object, **kwargs: Any) -> None:
        self._log(DEBUG, "debug", msg, args, kwargs)

    def info(self, msg: str, *args: object, **kwargs: Any) -> None:
        self._log(INFO, "info", msg, args, kwargs)

    def warning(self, msg: str, *args: object, **kwargs: Any) -> None:
        self._log(WARNING, "warning", msg, args, kwargs)

    def exception(self, msg: str, *args: object, **kwargs: Any) -> None:
        """An ERROR record with the exception being handled (call it in an `except` block)."""
        self._log(ERROR, "exception", msg, args, kwargs)
