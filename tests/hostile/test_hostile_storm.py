"""An edit storm against the real server: random edits, saves, close/reopen and malformed messages.

Afterwards the server answers within a second, its resident memory is within twice what it was
after the first round of opens, and every document's diagnostics equal `drvls check` on the same
text once every buffer has been saved.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import pytest
from drvls_process import json_diagnostics, run_drvls
from hostile_support import RawServer, cli_summary, summary

EDITS = 3000  # random edits in all
WALL_LIMIT = 600.0  # seconds for the whole storm: beyond this it is hung, not slow
ALPHABET = "<>/=\"' \n\r\tabcdeilmnoprstxy0123456789{}();#_-"

SYSTEM = ('<?xml version="1.0"?>\n<system>\n  <memory_region name="m" size="0x1000" />\n'
          '  <protection_domain name="a" priority="100">\n    <program_image path="a.elf" />\n'
          '    <map mr="m" vaddr="0x2000000" perms="rw" />\n  </protection_domain>\n</system>\n')
CAMKES = ("component A {\n  control;\n  provides P p;\n}\nprocedure P {\n  void f(in int x);\n}\n"
          "assembly {\n  composition {\n    component A a;\n  }\n}\n")
RULES = "# Rules\n\n## Style\n\n- Indent with four spaces.\n- Keep functions short.\n"
FILES = {"a.system": SYSTEM, "b.system": SYSTEM, "app.camkes": CAMKES, "CLAUDE.md": RULES}


def _position(text: str, offset: int) -> dict[str, int]:
    """The LSP position of a code-point offset (lines end at \\n, \\r\\n or a lone \\r)."""
    line, start, i = 0, 0, 0
    while i < offset:
        ch = text[i]
        if ch == "\r" and i + 1 < len(text) and text[i + 1] == "\n":
            if i + 1 >= offset:
                break
            i += 1
        if ch in "\r\n":
            line, start = line + 1, i + 1
        i += 1
    return {"line": line, "character": offset - start}


def _random_edit(rng: random.Random, text: str) -> tuple[str, dict[str, Any]]:
    start = rng.randrange(len(text) + 1)
    end = min(len(text), start + rng.choice((0, 0, 1, 2, 5, 20)))
    inserted = "".join(rng.choice(ALPHABET) for _ in range(rng.choice((0, 1, 1, 2, 4, 12))))
    # Never split a \r\n pair: the position of the point between them is not a position in LSP.
    if 0 < start < len(text) and text[start - 1] == "\r" and text[start] == "\n":
        start -= 1
    if 0 < end < len(text) and text[end - 1] == "\r" and text[end] == "\n":
        end += 1
    end = max(start, end)
    change = {"range": {"start": _position(text, start), "end": _position(text, end)}, "text": inserted}
    new = text[:start] + inserted + text[end:]
    return new, change


MALFORMED: list[bytes] = [
    b"{not json",
    b"[1, 2, 3]",
    b'{"jsonrpc": "2.0", "id": 901, "method": "textDocument/hover", "params": {"textDocument": 5}}',
    b'{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"contentChanges": "x"}}',
    b'{"jsonrpc": "2.0", "id": 902, "method": "textDocument/diagnostic", '
    b'"params": {"textDocument": {"uri": "file:///tmp/a\\u0000.system"}}}',
]


@pytest.mark.slow
def test_edit_storm_leaves_a_responsive_bounded_consistent_server(tmp_path: Path, user_config: Path) -> None:
    rng = random.Random(19)
    root = tmp_path / "ws"
    root.mkdir()
    server = RawServer(root, {"XDG_CONFIG_HOME": str(user_config.parent)})
    try:
        server.initialize()
        texts = dict(FILES)
        versions = dict.fromkeys(FILES, 1)
        uris = {}
        for name, text in texts.items():
            (root / name).write_text(text, encoding="utf-8", newline="")
            uris[name] = server.open(root / name, text)
        for uri in uris.values():
            server.diagnostics(uri)
        baseline = server.rss()
        started = time.monotonic()
        for step in range(EDITS):
            assert time.monotonic() - started < WALL_LIMIT, f"storm hung at step {step}"
            name = rng.choice(list(FILES))
            roll = rng.random()
            if roll < 0.01:  # close and reopen from the saved file
                server.notify("textDocument/didClose", {"textDocument": {"uri": uris[name]}})
                texts[name] = (root / name).read_bytes().decode("utf-8")
                versions[name] = 1
                server.open(root / name, texts[name])
            elif roll < 0.03:  # save
                (root / name).write_text(texts[name], encoding="utf-8", newline="")
                server.notify("textDocument/didSave", {"textDocument": {"uri": uris[name]}})
            elif roll < 0.04:
                body = rng.choice(MALFORMED)
                if b'"id"' in body:
                    msg_id = 901 if b"901" in body else 902
                    answer = server.request_raw(json.loads(body.decode()))
                    assert answer["id"] == msg_id and answer["error"]["code"] == -32602, answer
                else:
                    server.send_raw(body)
            else:
                texts[name], change = _random_edit(rng, texts[name])
                versions[name] += 1
                server.notify("textDocument/didChange", {
                    "textDocument": {"uri": uris[name], "version": versions[name]}, "contentChanges": [change]})
            if step % 100 == 0:
                server.diagnostics(uris[name])
        for name, text in texts.items():  # save everything, then compare with the CLI
            (root / name).write_text(text, encoding="utf-8", newline="")
            server.notify("textDocument/didSave", {"textDocument": {"uri": uris[name]}})
        answered = server.responds_within(1.0)
        assert answered < 1.0
        for name in FILES:
            from_server = summary(server.diagnostics(uris[name]))
            cli = run_drvls("check", "--format", "json", name, cwd=root,
                            env={"XDG_CONFIG_HOME": str(user_config.parent)})
            assert cli.returncode in (0, 1), cli.stderr
            assert from_server == cli_summary(json_diagnostics(cli.stdout)), name
        assert server.rss() <= 2 * baseline, f"{server.rss()} > 2 × {baseline}"
        assert server.process.poll() is None
    finally:
        server.close()
