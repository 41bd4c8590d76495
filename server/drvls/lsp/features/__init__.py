"""Optional server features, each a module here exposing `register(server) -> None`.

A module is imported only when present, so a feature can ship (or be left out) without
touching the server. `register` runs before `initialize`, so features registered there are
advertised in the server's capabilities; extra capabilities that pygls does not build can be
added with `server.capability_hooks`.
"""

from __future__ import annotations

import importlib
import logging
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer

log = logging.getLogger(__name__)

FEATURE_MODULES = (
    "drv_preview",
    "signing",
    "camkes_context",
    "emit_drift",
    "quick_fixes",
)


def _import_feature(name: str) -> ModuleType | None:
    qualified = f"{__name__}.{name}"
    try:
        return importlib.import_module(qualified)
    except ModuleNotFoundError as exc:
        if exc.name == qualified:
            return None
        raise


def register_features(server: DrvlsServer) -> list[str]:
    """Register every feature module that is present; a broken one is logged and skipped."""
    loaded: list[str] = []
    for name in FEATURE_MODULES:
        try:
            module = _import_feature(name)
            if module is None:
                continue
            module.register(server)
        except Exception:
            log.exception("feature %s could not be registered; continuing without it", name)
            continue
        loaded.append(name)
    return loaded
