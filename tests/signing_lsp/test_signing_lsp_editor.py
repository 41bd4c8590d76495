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
    assert isinstance(result, dict)
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


async def test_an_edited_signed_drv_does_not_claim_a_proven_signer(session: Session) -> None:
    """A `.drv` changed after signing (digest recomputed, old slot kept): the old signature cannot be
    re-checked, so the lens names the key only as claimed, and the diagnostic says the same."""
    from drvls.drv.encoder import encode
    from drvls.drv.model import Category, RuleSet, SourceRef, Standard
    from drvls.signing import drv_embedded

    path = session.root / "rules.drv"
    path.write_bytes(encode(RuleSet(rules=[Standard(Category.STYLE, 1, "Indent with four spaces", None,
                                                    SourceRef("rules.md", 1))], sources=["rules.md"])))
    sign_path(path, load_private_key(session.keys.private))
    data = bytearray(path.read_bytes())
    slot = drv_embedded.find_slot(bytes(data))
    assert slot is not None
    data[data.index(b"Indent")] = ord("i")
    data[32:64] = drv_embedded.digest(bytes(data), slot)
    path.write_bytes(bytes(data))
    uri = session.uri("rules.drv")
    titles = await lenses(session, uri)
    assert titles == [f"✗ signature claiming key {session.keys.key_id}: edited since signing"]
    items = [d for d in await diagnostics(session, uri) if str(d.code) == "SIG006"]
    assert len(items) == 1 and f"claims key {session.keys.key_id}" in items[0].message


async def test_no_sign_lens_on_files_drvls_does_not_check(session: Session) -> None:
    uri = session.uri("board.system")
    (session.root / "board.system").write_text(SYSTEM)
    assert await lenses(session, uri) == ["Sign this file with drvls"]
    notes = session.root / "notes.txt"
    notes.write_text("not a file drvls checks\n")
    assert await lenses(session, session.uri("notes.txt")) == []
    from pygls.uris import from_fs_path

    key_uri = from_fs_path(str(session.keys.private))
    assert key_uri is not None
    assert await lenses(session, key_uri) == []


async def test_a_key_only_the_repository_trusts_is_marked_in_the_lens(session: Session) -> None:
    (session.root / "team.pub").write_bytes(session.other.public.read_bytes())
    (session.root / "drvls.toml").write_text('[signing]\ntrusted_keys = ["team.pub"]\n')
    session.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=session.uri("drvls.toml"), type=types.FileChangeType.Created)]))
    path = session.root / "board.system"
    path.write_text(SYSTEM)
    sign_path(path, load_private_key(session.other.private))
    uri = open_doc(session, "board.system", SYSTEM)
    titles = await lenses(session, uri)
    assert len(titles) == 1
    assert titles[0].startswith(f"✓ signed by key {session.other.key_id}: valid, trusted by the repository itself")


async def test_a_signed_file_with_a_byte_order_mark_is_not_edited(session: Session) -> None:
    """Editors hand the server the text without the BOM; the signature covers the bytes with it."""
    path = session.root / "board.system"
    path.write_bytes(b"\xef\xbb\xbf" + SYSTEM.encode())
    sign_path(path, load_private_key(session.keys.private))
    uri = open_doc(session, "board.system", SYSTEM)
    titles = await lenses(session, uri)
    assert len(titles) == 1 and titles[0].startswith(f"✓ signed by key {session.keys.key_id}: valid")
    assert sig_codes(await diagnostics(session, uri)) == []
    edit_first_char(session, uri, 2, "  <!-- tweak -->\n")
    assert sig_codes(await diagnostics(session, uri)) == ["SIG006"]
    # Saved: the sign command accepts the buffer (BOM aside it matches the disk) and re-signs.
    path.write_bytes(b"\xef\xbb\xbf" + SYSTEM.replace("<system>\n", "<system>\n  <!-- tweak -->\n").encode())
    result = await asyncio.wait_for(session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=SIGN, arguments=[uri])), WAIT)
    assert isinstance(result, dict) and result["key_id"] == session.keys.key_id
    assert sig_codes(await diagnostics(session, uri)) == []


async def test_sign_command_without_a_key_gives_a_plain_message(session: Session) -> None:
    """No `signing.key`: one readable sentence, in a message and in the error, never a traceback."""
    from pygls.exceptions import JsonRpcException

    (session.root / "board.system").write_text(SYSTEM)
    uri = open_doc(session, "board.system", SYSTEM)
    session.client.set_configuration({"debounce": 0, "signing": {"userTrustStore": False}}, section="drvls")
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await asyncio.sleep(0.5)
    with pytest.raises(JsonRpcException) as failure:
        await asyncio.wait_for(session.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=SIGN, arguments=[uri])), WAIT)
    assert "no signing key configured" in failure.value.message
    assert not failure.value.data and "Traceback" not in str(failure.value)
    assert any("set `signing.key`" in m.message for m in session.client.messages)
    assert not (session.root / "board.system.sig").exists()
