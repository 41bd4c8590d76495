"""An open file's signature state follows its `FILE.sig` on disk, without any edit of the file."""

from __future__ import annotations

import asyncio

from drvls.signing.keys import load_private_key
from drvls.signing.sign import sign_path
from lsprotocol import types
from signing_lsp_support import Session

WAIT = 20.0
SYSTEM = "<system>\n  <memory_region name=\"m\" size=\"0x1000\" />\n</system>\n"


async def sig_diagnostics(s: Session, uri: str) -> list[tuple[str, types.DiagnosticSeverity | None]]:
    report = await asyncio.wait_for(s.client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))), WAIT)
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    return [(str(d.code), d.severity) for d in report.items if str(d.code).startswith("SIG")]


def watched_patterns(s: Session) -> list[str]:
    """The file names the server asked the editor to watch for it."""
    out = []
    for registration in getattr(s.client, "registrations", []):
        if registration.method != types.WORKSPACE_DID_CHANGE_WATCHED_FILES:
            continue
        options = registration.register_options
        watchers = options.get("watchers", []) if isinstance(options, dict) else options.watchers
        for watcher in watchers:
            pattern = watcher["globPattern"] if isinstance(watcher, dict) else watcher.glob_pattern
            out.append(pattern if isinstance(pattern, str) else
                       pattern.get("pattern", "") if isinstance(pattern, dict) else pattern.pattern)
    return out


async def until_watched(s: Session, name: str) -> None:
    for _ in range(200):
        if any(p.endswith(name) for p in watched_patterns(s)):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the server never asked to watch {name}: {watched_patterns(s)}")


def notify(s: Session, name: str, change: types.FileChangeType) -> None:
    s.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=s.uri(name), type=change)]))


async def test_a_changed_sig_on_disk_updates_the_open_file_diagnostics(session: Session) -> None:
    path = session.root / "board.system"
    sig = session.root / "board.system.sig"
    path.write_text(SYSTEM)
    sign_path(path, load_private_key(session.keys.private))
    good = sig.read_bytes()
    uri = session.uri("board.system")
    session.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="xml", version=1, text=SYSTEM)))
    assert await sig_diagnostics(session, uri) == []
    await until_watched(session, "board.system.sig")

    # Another file's signature lands on disk: the open file is now reported stale, with no edit.
    other = session.root / "other.system"
    other.write_text(SYSTEM + "<!-- another file -->\n")
    sign_path(other, load_private_key(session.keys.private))
    sig.write_bytes((session.root / "other.system.sig").read_bytes())
    refreshes = getattr(session.client, "lens_refreshes", 0)
    notify(session, "board.system.sig", types.FileChangeType.Changed)
    assert await sig_diagnostics(session, uri) == [("SIG006", types.DiagnosticSeverity.Information)]
    # The code lens is out of date too: the editor is asked to fetch it again, and it reads the new state.
    for _ in range(100):
        if getattr(session.client, "lens_refreshes", 0) > refreshes:
            break
        await asyncio.sleep(0.05)
    assert getattr(session.client, "lens_refreshes", 0) > refreshes
    lenses = await asyncio.wait_for(session.client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))), WAIT)
    titles = [lens.command.title for lens in lenses or [] if lens.command is not None]
    assert titles == [f"✗ signed by key {session.keys.key_id}: edited since signing"]

    # A damaged signature: a warning that it is invalid.
    sig.write_bytes(good.replace(b"signature: ", b"signature:  "))
    notify(session, "board.system.sig", types.FileChangeType.Changed)
    assert await sig_diagnostics(session, uri) == [("SIG002", types.DiagnosticSeverity.Warning)]

    # Restored, then removed: back to silence each time.
    sig.write_bytes(good)
    notify(session, "board.system.sig", types.FileChangeType.Changed)
    assert await sig_diagnostics(session, uri) == []
    sig.write_bytes(good.replace(b"signature: ", b"signature:  "))
    notify(session, "board.system.sig", types.FileChangeType.Changed)
    assert await sig_diagnostics(session, uri) == [("SIG002", types.DiagnosticSeverity.Warning)]
    sig.unlink()
    notify(session, "board.system.sig", types.FileChangeType.Deleted)
    assert await sig_diagnostics(session, uri) == []
