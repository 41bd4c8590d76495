"""The real language server over stdio: Microkit diagnostics with exact ranges, incremental edits, fixes."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from microkit_support import system, value
from pytest_lsp import LanguageClient

WAIT = 30.0
TEXT = system('    <memory_region name="m" size="0x1000" />\n'
              '    <protection_domain name="a" priority="300">\n        <program_image path="a.elf" />\n'
              '        <map mr="m" vaddr="0x1000" />\n    </protection_domain>')


async def published(client: LanguageClient, uri: str, version: int) -> list[types.Diagnostic]:
    """Diagnostics published for exactly this version of the document (as recorded by the client)."""
    async def poll() -> list[types.Diagnostic]:
        while True:
            for params in getattr(client, "published", []):
                if params.uri == uri and params.version == version:
                    return list(params.diagnostics)
            await asyncio.sleep(0.02)

    return await asyncio.wait_for(poll(), WAIT)


def as_tuple(diag: types.Diagnostic) -> tuple[object, ...]:
    r = diag.range
    return diag.code, r.start.line, r.start.character, r.end.line, r.end.character


def change(client: LanguageClient, uri: str, version: int, line: int, start: int, end: int, text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(line, start), types.Position(line, end)), text=text)]))


async def test_diagnostics_follow_edits(mk_client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "a.system"
    path.write_text(TEXT, encoding="utf-8")
    uri = path.as_uri()
    mk_client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="xml", version=1, text=TEXT)))
    diags = await published(mk_client, uri, 1)
    rng = value(TEXT, 'priority="300"')
    assert [as_tuple(d) for d in diags] == [("MK020", rng.start.line, rng.start.character, rng.end.line,
                                             rng.end.character)]
    assert diags[0].message == "priority must be between 0 and 254 on element 'protection_domain'"
    assert diags[0].severity == types.DiagnosticSeverity.Error

    # An incremental edit elsewhere: a second problem appears, the first one stays put.
    line = TEXT.split("\n").index('        <map mr="m" vaddr="0x1000" />')
    column = TEXT.split("\n")[line].index("0x1000") + len("0x1")
    change(mk_client, uri, 2, line, column, column, "8")  # vaddr 0x18000 -> still aligned: no new error
    assert [d.code for d in await published(mk_client, uri, 2)] == ["MK020"]
    change(mk_client, uri, 3, line, column, column + 1, "")  # back to 0x1000
    change(mk_client, uri, 4, line, column + 3, column + 3, "8")  # 0x10008: misaligned
    diags = await published(mk_client, uri, 4)
    assert sorted(d.code for d in diags) == ["MK020", "MK034"]
    misaligned = next(d for d in diags if d.code == "MK034")
    assert (misaligned.range.start.line, misaligned.range.start.character) == (line, column - 3)
    assert misaligned.range.end.character == column + 4

    # Fix both: the list clears.
    change(mk_client, uri, 5, line, column + 3, column + 4, "")
    prio_line = rng.start.line
    change(mk_client, uri, 6, prio_line, rng.start.character, rng.end.character, "30")
    assert await published(mk_client, uri, 6) == []


async def test_syntax_error_then_recovery(mk_client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "b.system"
    good = TEXT.replace('priority="300"', 'priority="3"')
    path.write_text(good, encoding="utf-8")
    uri = path.as_uri()
    mk_client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="xml", version=1, text=good)))
    assert await published(mk_client, uri, 1) == []
    line = good.split("\n").index('        <program_image path="a.elf" />')
    end = len('        <program_image path="a.elf" />')
    change(mk_client, uri, 2, line, end - 2, end, "")  # delete the "/>" closing <program_image
    diags = await published(mk_client, uri, 2)
    assert diags and {d.code for d in diags} == {"MK001"}
    change(mk_client, uri, 3, line, end - 2, end - 2, "/>")
    assert await published(mk_client, uri, 3) == []
