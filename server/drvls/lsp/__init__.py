"""The language server face of drvls; the only package that imports pygls or lsprotocol."""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for `python -m drvls.lsp`; arguments are accepted for editor compatibility."""
    from drvls.lsp.server import serve

    del argv
    return serve()
