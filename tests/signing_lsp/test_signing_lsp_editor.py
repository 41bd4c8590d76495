"""Signature state in a real editor session: code lens, edited-since-signing diagnostic, sign command."""

from __future__ import annotations

import asyncio
import base64

import pytest
from drvls.signing.keys import load_private_key
from drvls.signing.sign import sign_path
from lsprotocol import types
from signing_lsp_support import Session

WAIT = 20.0
SYSTEM = "<system>\n  <memory_region name=\"m\" size=\"0x1000\" />\n</system>\n"
SIGN = "drvls.signCurrentFile"


def open_doc(s: Session, name: str, text: str) -> str:
    uri = s.uri(name)
    s.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="xml", version=1, text=text)))
    return uri


def edit_first_char(s: Session, uri: str, version: int, text: str) -> None:
    s.client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=1, character=0), end=types.Position(line=1, character=0)),
            text=text)]))


async def lenses(s: Session, uri: str) -> list[str]:
    result = await asyncio.wait_for(s.client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))), WAIT)
    return [lens.command.title for lens in result or [] if lens.command is not None]


async def diagnostics(s: Session, uri: str) -> list[types.Diagnostic]:
    report = await asyncio.wait_for(s.client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))), WAIT)
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    return list(report.items)


def sig_codes(items: list[types.Diagnostic]) -> list[str]:
    return [str(d.code) for d in items if str(d.code).startswith("SIG")]


async def test_signed_file_shows_valid_then_edited_since_signing(session: Session) -> None:
    path = session.root / "board.system"
    path.write_text(SYSTEM)
    sign_path(path, load_private_key(session.keys.private))
    uri = open_doc(session, "board.system", SYSTEM)
    titles = await lenses(session, uri)
    assert len(titles) == 1 and "valid" in titles[0] and session.keys.key_id in titles[0]
    assert sig_codes(await diagnostics(session, uri)) == []

    edit_first_char(session, uri, 2, "  <!-- tweak -->\n")
    items = [d for d in await diagnostics(session, uri) if str(d.code) == "SIG006"]
    assert len(items) == 1
    assert items[0].severity == types.DiagnosticSeverity.Information
    assert "no longer matches (edited since signing" in items[0].message
    assert items[0].range.start.line == 0
    titles = await lenses(session, uri)
    assert titles == [f"✗ signed by key {session.keys.key_id}: edited since signing"]


async def test_untrusted_signer_is_shown(session: Session) -> None:
    path = session.root / "board.system"
    path.write_text(SYSTEM)
    sign_path(path, load_private_key(session.other.private))
    uri = open_doc(session, "board.system", SYSTEM)
    assert await lenses(session, uri) == [f"⚠ signed by key {session.other.key_id}: untrusted key"]


async def test_sign_command_signs_the_saved_file_and_never_leaks_the_key(
        session: Session, capfd: pytest.CaptureFixture[str]) -> None:
    path = session.root / "board.system"
    path.write_text(SYSTEM)
    uri = open_doc(session, "board.system", SYSTEM)
    titles = await lenses(session, uri)
    assert titles == ["Sign this file with drvls"]
    result = await asyncio.wait_for(session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=SIGN, arguments=[uri])), WAIT)
    assert result["key_id"] == session.keys.key_id and result["kind"] == "detached"
    assert (session.root / "board.system.sig").is_file()
    titles = await lenses(session, uri)
    assert len(titles) == 1 and titles[0].startswith(f"✓ signed by key {session.keys.key_id}: valid")

    # Unsaved changes: refused, nothing rewritten.
    before = (session.root / "board.system.sig").read_bytes()
    edit_first_char(session, uri, 2, "  <!-- unsaved -->\n")
    with pytest.raises(Exception, match="unsaved changes"):
        await asyncio.wait_for(session.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=SIGN, arguments=[uri])), WAIT)
    assert (session.root / "board.system.sig").read_bytes() == before

    seed = session.keys.private.read_text().split("\n")[1]
    secrets = [seed, base64.b64decode(seed).hex()]
    await asyncio.sleep(0.2)  # let the server's stderr reach us
    seen = capfd.readouterr()
    texts = [seen.out, seen.err, *(m.message for m in session.client.messages),
             *(m.message for m in session.client.log_messages)]
    for text in texts:
        for secret in secrets:
            assert secret not in text


async def test_sign_command_refuses_a_group_readable_key(session: Session) -> None:
    session.keys.private.chmod(0o644)
    path = session.root / "board.system"
    path.write_text(SYSTEM)
    uri = open_doc(session, "board.system", SYSTEM)
    with pytest.raises(Exception, match="chmod 600"):
        await asyncio.wait_for(session.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=SIGN, arguments=[uri])), WAIT)
    assert not (session.root / "board.system.sig").exists()
    assert any("chmod 600" in m.message for m in session.client.messages)
