"""The real server re-checks a system when one of its program images appears or is rebuilt on disk."""

from __future__ import annotations

import asyncio
from pathlib import Path

from elf_builder import build_image
from lsprotocol import types
from microkit_support import system
from pytest_lsp import LanguageClient
from test_microkit_lsp import published

TEXT = system('    <protection_domain name="a">\n        <program_image path="a.elf" />\n    </protection_domain>')


async def test_building_then_rebuilding_the_image_rechecks(mk_client: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / "drvls.toml").write_text('[microkit]\nsearch_path = ["."]\n', encoding="utf-8")
    path = tmp_path / "a.system"
    path.write_text(TEXT, encoding="utf-8")
    uri = path.as_uri()
    mk_client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="xml", version=1, text=TEXT)))
    assert [d.code for d in await published(mk_client, uri, 1)] == ["MK200"]

    count = len(mk_client.published)  # type: ignore[attr-defined]
    image = build_image(tmp_path, "a.elf", microkit=False)
    mk_client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=image.as_uri(), type=types.FileChangeType.Created)]))
    assert [d.code for d in await _next(mk_client, uri, count)] == ["MK204"]

    count = len(mk_client.published)  # type: ignore[attr-defined]
    build_image(tmp_path, "a.elf")
    mk_client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=image.as_uri(), type=types.FileChangeType.Changed)]))
    assert await _next(mk_client, uri, count) == []


async def _next(client: LanguageClient, uri: str, after: int) -> list[types.Diagnostic]:
    """The first diagnostics published for `uri` after the `after`-th notification."""

    async def poll() -> list[types.Diagnostic]:
        while True:
            for params in client.published[after:]:  # type: ignore[attr-defined]
                if params.uri == uri:
                    return list(params.diagnostics)
            await asyncio.sleep(0.02)

    return await asyncio.wait_for(poll(), 30)
