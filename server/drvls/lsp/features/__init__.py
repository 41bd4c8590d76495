"""The server's features: an explicit list of modules, each exposing `register(server) -> None`.

Every listed module must import and register, or the server refuses to start
(`FeatureLoadError`): a feature that silently went missing would look like a working server
that answers nothing. `register` runs before `initialize`, so what it registers is advertised in
the server's capabilities; extra capabilities that pygls does not build can be added with
`server.capability_hooks`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer

# One module per request (`drvls.lsp.requests`), then the features that span several messages.
FEATURE_MODULES: tuple[str, ...] = (
    "drvls.lsp.requests.diagnostic",
    "drvls.lsp.requests.workspace_diagnostic",
    "drvls.lsp.requests.definition",
    "drvls.lsp.requests.references",
    "drvls.lsp.requests.document_highlight",
    "drvls.lsp.requests.document_symbols",
    "drvls.lsp.requests.workspace_symbols",
    "drvls.lsp.requests.folding_ranges",
    "drvls.lsp.requests.selection_ranges",
    "drvls.lsp.requests.document_links",
    "drvls.lsp.requests.code_action",
    "drvls.lsp.requests.hover",
    "drvls.lsp.requests.completion",
    "drvls.lsp.requests.formatting",
    "drvls.lsp.requests.range_formatting",
    "drvls.lsp.requests.inlay_hint",
    "drvls.lsp.requests.code_lens",
    "drvls.lsp.requests.semantic_tokens",
    "drvls.lsp.requests.rename",
    "drvls.lsp.features.drv_preview",
    "drvls.lsp.features.system_preview",
    "drvls.lsp.features.signing",
    "drvls.lsp.features.emit_drift",
    "drvls.lsp.features.port_assembly",
)


class FeatureLoadError(RuntimeError):
    """A listed feature module could not be imported or registered."""


def register_features(server: DrvlsServer, modules: tuple[str, ...] | None = None) -> list[str]:
    """Import and register every listed module, in order; the first failure stops the server."""
    modules = FEATURE_MODULES if modules is None else modules
    for name in modules:
        try:
            module = importlib.import_module(name)
            module.register(server)
        except Exception as exc:
            raise FeatureLoadError(f"server feature {name} could not be loaded: {type(exc).__name__}: {exc}") from exc
    return list(modules)
