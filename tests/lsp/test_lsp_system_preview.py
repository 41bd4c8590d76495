"""The `drvls/systemPreview` request over a real `drvls serve`: every format, the open buffer's text, errors."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from lsp_support import Editor
from prerequisites import skip_or_fail
from pygls.exceptions import JsonRpcException

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "views"))
from views_support import DESIGN_B, DESIGN_C

REQUEST = "drvls/systemPreview"


async def preview(editor: Editor, name: str, fmt: str | None = None) -> str:
    params = {"uri": editor.uri(name)} | ({"format": fmt} if fmt else {})
    result = await editor.client.protocol.send_request_async(REQUEST, params)
    assert isinstance(result, str)
    return result


async def test_every_format_for_a_file_on_disk(pull_editor: Editor) -> None:
    if shutil.which("dot") is None:
        skip_or_fail("Graphviz `dot` is not installed (apt-get install graphviz)")
    pull_editor.write("b.system", DESIGN_B)
    html = await preview(pull_editor, "b.system")
    assert html.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in html and "other_virt" in html
    assert "other_virt" in await preview(pull_editor, "b.system", "svg")
    assert "other\\_virt" in await preview(pull_editor, "b.system", "md")
    assert json.loads(await preview(pull_editor, "b.system", "json"))["summary"][0]["design"] == "B"
    assert json.loads(await preview(pull_editor, "b.system", "jsonld"))["@type"] == "System"


async def test_the_open_buffer_is_drawn_not_the_disk(pull_editor: Editor) -> None:
    pull_editor.write("s.system", DESIGN_B)
    pull_editor.open("s.system", DESIGN_C)
    doc = json.loads(await preview(pull_editor, "s.system", "json"))
    assert doc["summary"] == [{"domain": "driver", "design": "C", "design_name": "minimal isolation"}]
    assert await preview(pull_editor, "s.system", "md") == await preview(pull_editor, "s.system", "md")


async def test_bad_requests_are_errors_with_plain_messages(pull_editor: Editor) -> None:
    pull_editor.write("broken.system", "<system><protection_domain")
    with pytest.raises(JsonRpcException) as failure:
        await preview(pull_editor, "broken.system")
    assert "cannot be drawn" in str(failure.value)
    pull_editor.write("b.system", DESIGN_B)
    with pytest.raises(JsonRpcException) as bad_format:
        await preview(pull_editor, "b.system", "png")
    assert "jsonld" in str(bad_format.value)
    with pytest.raises(JsonRpcException):
        await pull_editor.client.protocol.send_request_async(REQUEST, {"uri": "untitled:1"})
