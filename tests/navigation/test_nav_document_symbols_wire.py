"""Document symbols on the wire: the outline is sent as text encoded once, spliced into each response.

Read through a raw JSON-RPC client (no LSP library to forgive a wrong frame): every answer carries
its request's id, whatever JSON the id is, a frame's Content-Length counts the bytes of a body
holding non-ASCII names, and the same snapshot gives the same answer each time.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from drvls_process import SERVE, drvls_env
from raw_lsp import CAPABILITIES, RawServer

RULES = """# Conventions

## Nommage en français : « élégant » 名前

- Rule 1: use snake_case for functions
- Rule 2: écrire des tests ✓
"""
CAPS = {**CAPABILITIES, "textDocument": {**CAPABILITIES["textDocument"],
                                         "documentSymbol": {"hierarchicalDocumentSymbolSupport": True}}}


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[tuple[RawServer, str]]:
    (tmp_path / "config").mkdir()
    path = tmp_path / "CONVENTIONS.md"
    path.write_text(RULES, encoding="utf-8")
    server = RawServer(SERVE, tmp_path, drvls_env(XDG_CONFIG_HOME=str(tmp_path / "config")))
    try:
        server.initialize(CAPS)
        uri = server.open(path, RULES)
        server.diagnostics(uri)
        yield server, uri
    finally:
        server.close()


def names(symbols: list[dict[str, Any]]) -> list[str]:
    return [name for s in symbols for name in (s["name"], *names(s.get("children", [])))]


@pytest.mark.parametrize("msg_id", [7, "outline-é", 2**40], ids=["number", "string", "large number"])
def test_each_answer_carries_its_request_id_and_the_whole_outline(opened: tuple[RawServer, str],
                                                                  msg_id: object) -> None:
    server, uri = opened
    params = {"textDocument": {"uri": uri}}
    first = server.request_raw({"id": msg_id, "method": "textDocument/documentSymbol", "params": params})
    again = server.request_raw({"id": msg_id, "method": "textDocument/documentSymbol", "params": params})
    assert first["id"] == msg_id and first["jsonrpc"] == "2.0" and "error" not in first
    assert "Nommage en français : « élégant » 名前" in names(first["result"])
    assert "Rule 2: écrire des tests ✓" in names(first["result"])
    assert again == first
