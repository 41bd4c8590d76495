"""Malformed messages get JSON-RPC error answers, and the server keeps serving."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_support import RawServer


@pytest.fixture
def server(tmp_path: Path, user_config: Path) -> Iterator[RawServer]:
    raw = RawServer(tmp_path, {"XDG_CONFIG_HOME": str(user_config.parent)})
    raw.initialize()
    yield raw
    raw.close()


def _next_unsolicited_error(server: RawServer) -> dict[str, object]:
    while True:
        message = server.unsolicited.get(timeout=20)
        if "error" in message:
            return message


def test_schema_invalid_params_are_answered(server: RawServer) -> None:
    answer = server.request("textDocument/hover", {"textDocument": 5, "position": "here"})
    assert answer["error"]["code"] == -32602
    assert server.responds_within(5.0) < 5.0


def test_a_nul_byte_in_a_uri_is_invalid_params(server: RawServer) -> None:
    answer = server.request("textDocument/diagnostic", {"textDocument": {"uri": "file:///tmp/a\x00.system"}})
    assert answer["error"]["code"] == -32602 and "NUL" in answer["error"]["message"]
    server.notify("textDocument/didOpen", {"textDocument": {"uri": "file:///tmp/b\x00.system", "languageId": "xml",
                                                            "version": 1, "text": "<system/>"}})
    assert server.responds_within(5.0) < 5.0


def test_a_body_that_is_not_json_is_a_parse_error(server: RawServer) -> None:
    server.send_raw(b"{this is not json")
    message = _next_unsolicited_error(server)
    assert message["id"] is None and message["error"]["code"] == -32700  # type: ignore[index]


def test_json_that_is_no_message_is_an_invalid_request(server: RawServer) -> None:
    server.send_raw(b"[1, 2, 3]")
    message = _next_unsolicited_error(server)
    assert message["id"] is None and message["error"]["code"] == -32600  # type: ignore[index]
    assert server.responds_within(5.0) < 5.0


@pytest.mark.parametrize("name,text", [("slow.system", "<" * 1_000_000), ("slow.camkes", "component A {\n" * 20_000)],
                         ids=["system", "camkes"])
def test_the_server_answers_while_a_long_parse_runs(server: RawServer, name: str, text: str) -> None:
    """tree-sitter holds the GIL while it parses: fed in chunks, it lets the event loop answer.

    Unchunked, a request waits for the whole parse (about 5 s here); chunked, the longest wait is one
    tree-sitter error-recovery step (about 0.4 s on an idle machine; the bound allows for a busy one).
    """
    import threading

    path = server.root / name
    path.write_text(text, encoding="utf-8")
    uri = server.open(path, text)
    done: list[object] = []
    worker = threading.Thread(target=lambda: done.append(server.diagnostics(uri, timeout=120)))
    worker.start()
    worst = 0.0
    while worker.is_alive():
        worst = max(worst, server.responds_within(30.0))
    worker.join()
    assert done and done[0]
    assert worst < 2.0, f"a request waited {worst:.2f} s"


def test_a_parse_past_the_deadline_is_cut_short(tmp_path: Path) -> None:
    from drvls.core.config import Settings
    from drvls.core.engine import check_source
    from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile

    text = "<" * 300_000
    ctx = AnalysisContext(settings=Settings(values={"analysis_timeout": 0.05}), workspace=DiskWorkspace())
    found = check_source(SourceFile(path=tmp_path / "a.system", data=text.encode(), text=text), ctx).diagnostics
    assert [d.code for d in found] == ["DL006"]
