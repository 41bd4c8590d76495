"""Every hostile input through the CLI and through the server: under 5 s, under 1 GB, a located
diagnostic, no traceback and no internal error.

Time is the CPU time drvls spends on the case (the CLI child's, or the server's during the
request), so a busy machine does not fail the suite; wall-clock time only has a generous cap that
catches a hang (a blocked read spends no CPU at all).
"""

from __future__ import annotations

import os
import resource
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from drvls_process import DRVLS, drvls_env, json_diagnostics
from hostile_cases import CASES, Case
from hostile_support import RawServer, uri_of

TIME_LIMIT = 5.0  # CPU seconds per case
HANG_LIMIT = 30.0  # wall-clock seconds: beyond this a case is hung
MEMORY_LIMIT = 1024 * 1024 * 1024  # bytes of resident memory


def _assert_located(items: list[dict[str, object]], where: str) -> None:
    assert items, f"{where}: no diagnostic"
    assert all(item.get("code") != "DL005" for item in items), f"{where}: internal error: {items}"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_cli_survives(case: Case, tmp_path: Path, user_config: Path) -> None:
    target = case.build(tmp_path)
    before = _children_cpu()
    child = subprocess.Popen([*DRVLS, "check", "--format", "json", str(target)], cwd=tmp_path,
                             env=drvls_env(XDG_CONFIG_HOME=str(user_config.parent)),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = child.communicate(timeout=HANG_LIMIT)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    spent = _children_cpu() - before
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert spent < TIME_LIMIT, f"took {spent:.1f} CPU seconds"
    assert usage.ru_maxrss * 1024 < MEMORY_LIMIT, f"{usage.ru_maxrss} KiB resident"
    assert b"Traceback" not in err and b"internal error" not in err, err.decode()
    assert child.returncode in (0, 1), err.decode()
    items = json_diagnostics(out.decode())
    _assert_located(items, case.name)
    assert all("line" in item and "column" in item for item in items)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RawServer]:
    root = tmp_path_factory.mktemp("hostile-workspace")
    config = tmp_path_factory.mktemp("hostile-xdg")
    raw = RawServer(root, {"XDG_CONFIG_HOME": str(config)})
    raw.initialize()
    yield raw
    raw.close()


BUFFER_CASES = [c for c in CASES if c.buffer]


@pytest.mark.parametrize("case", BUFFER_CASES, ids=[c.name for c in BUFFER_CASES])
def test_server_survives(case: Case, server: RawServer) -> None:
    folder = server.root / case.name
    folder.mkdir()
    target = case.build(folder)
    text = target.read_bytes().decode("utf-8", "replace")
    before = server.cpu_seconds()
    uri = server.open(target, text)
    items = server.diagnostics(uri, timeout=HANG_LIMIT)
    spent = server.cpu_seconds() - before
    assert spent < TIME_LIMIT, f"took {spent:.1f} CPU seconds"
    _assert_located(items, case.name)
    assert all("range" in item for item in items)
    assert server.responds_within(1.0) < 1.0
    assert server.rss() < MEMORY_LIMIT
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri_of(target)}})
    assert server.process.poll() is None and os.path.exists(f"/proc/{server.process.pid}")
