"""A raw JSON-RPC client over a language server's stdio: it frames bytes itself and reads answers as
plain JSON.

No LSP library sits between the caller and the wire, so a test can send a body that is not JSON or
params that break the schema, and a benchmark times the server and not a client converting the
answer into typed objects (thousands of document symbols take a structuring client longer than the
server takes to send them). It answers the server's own requests (`workspace/configuration`,
registrations) and reads the server's resident memory and CPU time from `/proc`.
"""

from __future__ import annotations

import itertools
import json
import os
import queue
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

WAIT = 30.0  # seconds before a caller gives up on an answer (a failure, not a measurement)

CAPABILITIES: dict[str, Any] = {
    "textDocument": {"diagnostic": {"dynamicRegistration": False}, "synchronization": {"didSave": True}},
    "workspace": {"configuration": True, "workspaceFolders": True},
    "general": {"positionEncodings": ["utf-32", "utf-16"]},
}


class RawServer:
    """One language-server child started with `command`; `request` waits for the answer with the same id."""

    def __init__(self, command: Sequence[str], root: Path, env: dict[str, str],
                 settings: dict[str, Any] | None = None) -> None:
        self.root = root
        self.settings = {"debounce": 0, **(settings or {})}
        self.process = subprocess.Popen(list(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, env=env, cwd=root)
        self._ids = itertools.count(1)
        self._answers: dict[Any, queue.Queue[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self.unsolicited: queue.Queue[dict[str, Any]] = queue.Queue()
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    # -- framing -------------------------------------------------------------------------------

    def send_raw(self, body: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        self.send_raw(json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8"))

    def _read_loop(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            message = json.loads(stream.read(length))
            self._dispatch(message)

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "method" in message and "id" in message:  # the server asks the client
            result: Any = None
            if message["method"] == "workspace/configuration":
                result = [self.settings for _ in message["params"]["items"]]
            self.send({"id": message["id"], "result": result})
            return
        if "id" in message and "method" not in message:
            with self._lock:
                box = self._answers.get(message["id"])
            if box is not None:
                box.put(message)
                return
        self.unsolicited.put(message)

    # -- requests ------------------------------------------------------------------------------

    def request_raw(self, message: dict[str, Any], timeout: float = WAIT) -> dict[str, Any]:
        """Send a request whose id the caller chose (any JSON) and wait for its answer."""
        box: queue.Queue[dict[str, Any]] = queue.Queue()
        with self._lock:
            self._answers[message["id"]] = box
        self.send(message)
        try:
            return box.get(timeout=timeout)
        finally:
            with self._lock:
                self._answers.pop(message["id"], None)

    def request(self, method: str, params: Any, timeout: float = WAIT) -> dict[str, Any]:
        return self.request_raw({"id": next(self._ids), "method": method, "params": params}, timeout)

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def uri(self, path: Path) -> str:
        return path.as_uri()

    def initialize(self, capabilities: dict[str, Any] | None = None) -> dict[str, Any]:
        uri = self.uri(self.root)
        answer = self.request("initialize", {"processId": None, "rootUri": uri,
                                             "capabilities": capabilities or CAPABILITIES,
                                             "workspaceFolders": [{"uri": uri, "name": "w"}]})
        self.notify("initialized", {})
        return answer

    def open(self, path: Path, text: str, version: int = 1) -> str:
        uri = self.uri(path)
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "", "version": version,
                                                              "text": text}})
        return uri

    def diagnostics(self, uri: str, timeout: float = WAIT) -> list[dict[str, Any]]:
        answer = self.request("textDocument/diagnostic", {"textDocument": {"uri": uri}}, timeout)
        assert "result" in answer, answer
        return list(answer["result"].get("items", []))

    def rss(self) -> int:
        """Resident memory of the server process, in bytes."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise AssertionError("no VmRSS")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def responds_within(self, seconds: float) -> float:
        """Time an `initialize`-free cheap request (an unknown method must be answered quickly)."""
        start = time.monotonic()
        answer = self.request("drvls/noSuchMethod", {}, timeout=seconds)
        assert "error" in answer
        return time.monotonic() - start

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.process.wait(10)
        except Exception:
            self.process.kill()
            self.process.wait()
        finally:
            for stream in (self.process.stdin, self.process.stdout):
                if stream is not None:
                    stream.close()
