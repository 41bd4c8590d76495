"""A raw JSON-RPC client over the real `drvls serve`'s stdio, for messages no LSP library would send.

The client itself (`bench/raw_lsp.py`, shared with the benchmarks) frames bytes itself (so a test
can send a body that is not JSON or params that break the schema), answers the server's own requests
(`workspace/configuration`, registrations), and reads the server's resident memory from `/proc`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import raw_lsp
from drvls.signing.keys import KeyPairFiles, write_key_pair
from drvls_process import SERVE, drvls_env
from pygls.uris import from_fs_path


def make_keys(folder: Path) -> KeyPairFiles:
    """A real Ed25519 key pair in `folder` (`.private` mode 0600, `.public`)."""
    return write_key_pair(folder)


def uri_of(path: Path) -> str:
    uri = from_fs_path(str(path))
    assert uri is not None
    return uri


class RawServer(raw_lsp.RawServer):
    """One `drvls serve` child of this checkout, its documents named by pygls's URIs (as an editor's)."""

    def __init__(self, root: Path, env: dict[str, str], settings: dict[str, Any] | None = None) -> None:
        super().__init__(SERVE, root, drvls_env(**env), settings)

    def uri(self, path: Path) -> str:
        return uri_of(path)


def summary(items: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """LSP diagnostics as (line, column, end line, end column, code, message), sorted."""
    return sorted((d["range"]["start"]["line"], d["range"]["start"]["character"], d["range"]["end"]["line"],
                   d["range"]["end"]["character"], d.get("code"), d["message"]) for d in items)


def cli_summary(items: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """`drvls check --format json` items in the same shape (0-based; code points = UTF-32 columns)."""
    return sorted((d["line"] - 1, d["column"] - 1, d["end_line"] - 1, d["end_column"] - 1, d["code"], d["message"])
                  for d in items)
