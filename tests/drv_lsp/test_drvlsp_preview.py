"""The `.drv` preview in the editor (custom request and LSP 3.18 virtual document) and rule-source diagnostics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.uris import from_fs_path
from pytest_lsp import LanguageClient


def uri(client: LanguageClient, name: str) -> str:
    root: Path = client.drv_root  # type: ignore[attr-defined]
    found = from_fs_path(str(root / name))
    assert found is not None
    return found


async def test_server_advertises_the_preview_scheme(client: LanguageClient) -> None:
    result: types.InitializeResult = client.drv_init  # type: ignore[attr-defined]
    workspace = result.capabilities.workspace
    assert workspace is not None and workspace.text_document_content is not None
    assert list(workspace.text_document_content.schemes) == ["drv-preview"]


async def test_custom_preview_request_gives_markdown_and_json(client: LanguageClient) -> None:
    md = await client.protocol.send_request_async("drvls/preview", {"uri": uri(client, "rules.drv")})
    assert md.startswith("# rules.drv\n")
    assert "| format version | 2 |" in md and "| signature | unsigned |" in md
    assert "### 1. Persona: Reviewer · `.cursorrules:1`" in md
    text = await client.protocol.send_request_async("drvls/preview",
                                                     {"uri": uri(client, "rules.drv"), "format": "json"})
    doc = json.loads(text)
    assert doc["counts"]["standard"] == 2 and doc["digest"]["matches"] is True
    by_preview_uri = await client.protocol.send_request_async(
        "drvls/preview", {"uri": uri(client, "rules.drv").replace("file:", "drv-preview:", 1) + "?format=json"})
    assert by_preview_uri == text


async def test_virtual_document_for_a_drv_preview_uri(client: LanguageClient) -> None:
    preview_uri = uri(client, "rules.drv").replace("file:", "drv-preview:", 1)
    result = await client.protocol.send_request_async(
        types.WORKSPACE_TEXT_DOCUMENT_CONTENT, types.TextDocumentContentParams(uri=preview_uri))
    assert result.text.startswith("# rules.drv\n") and "(matches)" in result.text
    as_json = await client.protocol.send_request_async(
        types.WORKSPACE_TEXT_DOCUMENT_CONTENT, types.TextDocumentContentParams(uri=preview_uri + "?format=json"))
    assert json.loads(as_json.text)["format_version"] == 2


async def test_invalid_drv_is_explained_not_crashed(client: LanguageClient) -> None:
    with pytest.raises(JsonRpcException) as failure:
        await client.protocol.send_request_async("drvls/preview", {"uri": uri(client, "broken.drv")})
    assert "not a valid .drv file" in str(failure.value)
    with pytest.raises(JsonRpcException):
        await client.protocol.send_request_async("drvls/preview", {"uri": uri(client, "rules.drv"), "format": "x"})
    preview_uri = uri(client, "broken.drv").replace("file:", "drv-preview:", 1)
    result = await client.protocol.send_request_async(
        types.WORKSPACE_TEXT_DOCUMENT_CONTENT, types.TextDocumentContentParams(uri=preview_uri))
    assert result.text.startswith("# Preview unavailable") and "not a valid .drv file" in result.text


async def test_rule_source_diagnostics_have_exact_ranges(client: LanguageClient) -> None:
    doc_uri = uri(client, ".cursorrules")
    root: Path = client.drv_root  # type: ignore[attr-defined]
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=doc_uri, language_id="markdown", version=1, text=(root / ".cursorrules").read_text(encoding="utf-8"))))
    report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=doc_uri)))
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    found = [(d.code, d.range.start.line, d.range.start.character, d.range.end.character) for d in report.items]
    assert found == [("RUL002", 5, 10, 15)]


async def test_preview_is_refreshed_when_the_drv_changes_on_disk(client: LanguageClient) -> None:
    import asyncio

    preview_uri = uri(client, "rules.drv").replace("file:", "drv-preview:", 1)
    await client.protocol.send_request_async(
        types.WORKSPACE_TEXT_DOCUMENT_CONTENT, types.TextDocumentContentParams(uri=preview_uri))
    root: Path = client.drv_root  # type: ignore[attr-defined]
    (root / ".cursorrules").write_text("# Style\n- Prefer small functions\n", encoding="utf-8")
    from drvls.drv.compile import compile_sources

    compile_sources([root / ".cursorrules"], root / "rules.drv", cwd=root)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=uri(client, "rules.drv"), type=types.FileChangeType.Changed)]))
    refreshes: list[str] = client.content_refreshes  # type: ignore[attr-defined]
    for _ in range(100):
        if refreshes:
            break
        await asyncio.sleep(0.05)
    assert refreshes == [preview_uri]
    result = await client.protocol.send_request_async(
        types.WORKSPACE_TEXT_DOCUMENT_CONTENT, types.TextDocumentContentParams(uri=preview_uri))
    assert "Prefer small functions" in result.text
