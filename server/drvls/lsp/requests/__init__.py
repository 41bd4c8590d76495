"""One module per LSP request, as ruff's `ruff_server`; each exposes `register(server) -> None`.

The list of request modules lives with the feature list in `drvls.lsp.features`.
"""
