"""`drvls.signatureState`, the command behind the VS Code status bar item and verify command."""

from __future__ import annotations

import asyncio
from typing import Any

from drvls.signing.keys import load_private_key
from drvls.signing.sign import sign_path
from lsprotocol import types
from signing_lsp_support import Session

STATE = "drvls.signatureState"
SYSTEM = "<system>\n  <memory_region name=\"m\" size=\"0x1000\" />\n</system>\n"


async def state(s: Session, *arguments: Any) -> dict[str, Any]:
    result = await asyncio.wait_for(s.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=STATE, arguments=list(arguments))), 20.0)
    assert isinstance(result, dict)
    return result


def open_doc(s: Session, name: str, text: str) -> str:
    uri = s.uri(name)
    s.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="xml", version=1, text=text)))
    return uri


async def test_unsigned_file_is_missing_and_can_be_signed_with_the_configured_key(session: Session) -> None:
    (session.root / "a.system").write_text(SYSTEM)
    found = await state(session, session.uri("a.system"))
    assert found == {"status": "missing", "summary": "unsigned", "keyId": None, "canSign": True}


async def test_files_drvls_does_not_check_cannot_be_signed_from_the_editor(session: Session) -> None:
    (session.root / "notes.txt").write_text("hello\n")
    assert (await state(session, {"uri": session.uri("notes.txt")}))["canSign"] is False


async def test_signed_then_edited_in_the_buffer(session: Session) -> None:
    path = session.root / "b.system"
    path.write_text(SYSTEM)
    sign_path(path, load_private_key(session.keys.private))
    valid = await state(session, session.uri("b.system"))
    assert valid["status"] == "valid" and valid["keyId"] == session.keys.key_id
    assert valid["summary"].startswith("signed by key") and not valid["summary"].startswith("✓")
    open_doc(session, "b.system", SYSTEM.replace("0x1000", "0x2000"))
    stale = await state(session, session.uri("b.system"))
    assert stale["status"] == "stale" and "edited since signing" in stale["summary"]


async def test_untrusted_signer(session: Session) -> None:
    path = session.root / "c.system"
    path.write_text(SYSTEM)
    sign_path(path, load_private_key(session.other.private))
    assert (await state(session, session.uri("c.system")))["status"] == "untrusted"
