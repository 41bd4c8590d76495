"""Signature state in the editor: a code lens on the first line, and a command to sign the file.

The lens says who signed the file and whether the signature is valid, edited since signing, or
from an untrusted key; unsigned files get a "sign" lens when a key is configured. The
diagnostic for edited files comes from the core's signing post-check on the buffer's text.
`drvls.signCurrentFile` signs the file on disk with the key named by the `signing.key` setting;
`drvls.signatureState` reports a file's signature state (the VS Code status bar and verify command).
The lens is served by the one code lens request (`lsp/requests/code_lens.py`), beside the families'.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from drvls.core.config import Settings
from drvls.core.languages import analyzer_for
from drvls.core.reading import ReadProblem, read_bounded
from drvls.lsp.documents import uri_to_path
from drvls.signing import detached, drv_embedded
from drvls.signing.evidence import SigningError, Status
from drvls.signing.keys import KeyFileError, load_private_key
from drvls.signing.sign import Signed, sign_path
from drvls.signing.trust import load_store, sources_from_settings
from drvls.signing.verify import Verdict, verify_bytes

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer

SIGN_COMMAND = "drvls.signCurrentFile"
STATE_COMMAND = "drvls.signatureState"
FIRST_LINE = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))


class SignCommandError(Exception):
    """Why the sign command could not run; shown to the user, contains no key material."""


def lens_title(verdict: Verdict) -> str | None:
    """The code lens text for a verdict; None when the file is unsigned (a sign lens may be offered)."""
    key = f"key {verdict.key_id}" if verdict.key_id else "an unknown key"
    status = verdict.status
    if status is Status.VALID and verdict.trusted_by is not None:
        return f"✓ signed by {key}: valid, {verdict.trusted_by.describe()}"
    if status is Status.UNTRUSTED:
        return f"⚠ signed by {key}: untrusted key"
    if status is Status.STALE:
        if not verdict.key_verified:  # an embedded signature over content that is gone: signer unproven
            return f"✗ signature claiming {key}: edited since signing"
        return f"✗ signed by {key}: edited since signing"
    if status is Status.LEGACY:
        return "✗ insecure legacy signature (upstream .drv.sig)"
    if status is Status.INVALID:
        return f"✗ signature invalid: {verdict.reason}"
    return None


def current_bytes(server: DrvlsServer, uri: str, path: Path) -> bytes | None:
    """The open buffer's bytes for text files; `.drv` files are binary, so always read from disk."""
    doc = server.documents.get(uri)
    if doc is not None and path.suffix != ".drv":
        return detached.with_disk_bom(path, doc.text.encode("utf-8", "surrogatepass"))
    data = read_bounded(path)
    return None if isinstance(data, ReadProblem) else data


def has_signature(path: Path, data: bytes) -> bool:
    if drv_embedded.applies(path, data) and drv_embedded.has_signature(data):
        return True
    return detached.signature_path(path).exists()


def verdict_for(server: DrvlsServer, uri: str) -> tuple[Verdict | None, Settings | None]:
    path = uri_to_path(uri)
    if path is None:
        return None, None
    settings = server.settings.for_file(path)
    data = current_bytes(server, uri, path)
    if data is None or not has_signature(path, data):
        return None, settings
    store = load_store(sources_from_settings(settings))
    return verify_bytes(path, data, store), settings


def code_lenses(server: DrvlsServer, uri: str) -> list[types.CodeLens]:
    verdict, settings = verdict_for(server, uri)
    if verdict is not None:
        title = lens_title(verdict)
        if title is not None:
            return [types.CodeLens(range=FIRST_LINE, command=types.Command(title=title, command=""))]
    path = uri_to_path(uri)
    offer = settings is not None and bool(settings.section("signing").get("key"))
    if offer and path is not None and analyzer_for(path) is not None:  # only files drvls checks
        return [types.CodeLens(range=FIRST_LINE, command=types.Command(
            title="Sign this file with drvls", command=SIGN_COMMAND, arguments=[uri]))]
    return []


def signature_state(server: DrvlsServer, uri: str) -> dict[str, Any]:
    """A file's signature state as plain JSON: `status` (see docs/signing.md), `summary`, `keyId`, `canSign`."""
    verdict, settings = verdict_for(server, uri)
    if verdict is None:
        path = uri_to_path(uri)
        checked = path is not None and analyzer_for(path) is not None
        can_sign = checked and settings is not None and bool(settings.section("signing").get("key"))
        return {"status": Status.MISSING.value, "summary": "unsigned", "keyId": None,
                "canSign": can_sign}
    title = lens_title(verdict) or verdict.status.value
    return {"status": verdict.status.value, "summary": title.lstrip("✓⚠✗ "), "keyId": verdict.key_id,
            "canSign": False}


def key_path(settings: Settings) -> Path:
    raw = settings.section("signing").get("key")
    if not isinstance(raw, str) or not raw:
        raise SignCommandError("no signing key configured: set `signing.key` to your private key file")
    path = Path(raw).expanduser()
    if not path.is_absolute():
        raise SignCommandError("`signing.key` must be an absolute path (or start with ~)")
    return path


def uri_argument(args: tuple[Any, ...]) -> str:
    """The document URI from the command's arguments: a string, or an object with `uri`."""
    for arg in args:
        if isinstance(arg, str):
            return arg
        if isinstance(arg, dict) and isinstance(arg.get("uri"), str):
            return str(arg["uri"])
    raise SignCommandError(f"{SIGN_COMMAND} needs the document URI as its argument")


def sign_document(server: DrvlsServer, uri: str) -> Signed:
    """Sign the saved file behind `uri`; refuses when the buffer has unsaved changes."""
    path = uri_to_path(uri)
    if path is None or not path.is_file():
        raise SignCommandError("only a saved file can be signed")
    doc = server.documents.get(uri)
    if doc is not None and path.suffix != ".drv":
        on_disk = read_bounded(path)
        if isinstance(on_disk, ReadProblem):
            raise SignCommandError(f"cannot read {path.name}: {on_disk.reason}")
        if on_disk != detached.with_disk_bom(path, doc.text.encode("utf-8", "surrogatepass")):
            raise SignCommandError(f"{path.name} has unsaved changes; save it before signing")
    settings = server.settings.for_file(path)
    try:
        key = load_private_key(key_path(settings))
        return sign_path(path, key)
    except (KeyFileError, SigningError) as exc:
        raise SignCommandError(str(exc)) from None


def refresh(server: DrvlsServer, uri: str) -> None:
    """Re-check the document (its signature state changed) and ask for new code lenses."""
    doc = server.documents.get(uri)
    if doc is not None:
        server.recheck([doc])
    refresh_lenses(server)


def refresh_lenses(server: DrvlsServer) -> None:
    caps = server.client_capabilities
    workspace = caps.workspace if caps is not None else None
    lens = workspace.code_lens if workspace is not None else None
    if lens is not None and lens.refresh_support:
        server.workspace_code_lens_refresh(None)


def on_disk_change(server: DrvlsServer, path: Path) -> None:
    """A `FILE.sig` changed on disk: if FILE is open, its lens is out of date (its diagnostics are
    re-checked by the server, since every file's result depends on its `.sig`)."""
    stem = path.name[:-len(detached.SUFFIX)]
    if path.name.endswith(detached.SUFFIX) and stem and server.documents.by_path(path.with_name(stem)):
        refresh_lenses(server)


def register(server: DrvlsServer) -> None:
    server.disk_listeners.append(lambda path: on_disk_change(server, path))

    @server.command(STATE_COMMAND)
    async def signature_state_command(*args: Any) -> dict[str, Any]:
        uri = uri_argument(args)
        return await asyncio.get_running_loop().run_in_executor(server.thread_pool, signature_state, server, uri)

    @server.command(SIGN_COMMAND)
    async def sign_current_file(*args: Any) -> dict[str, str]:
        try:
            uri = uri_argument(args)
            loop = asyncio.get_running_loop()
            signed = await loop.run_in_executor(server.thread_pool, sign_document, server, uri)
        except SignCommandError as exc:
            server.window_show_message(types.ShowMessageParams(type=types.MessageType.Error,
                                                               message=f"drvls: {exc}"))
            # A plain request error: the message, never a traceback in the response's data.
            raise JsonRpcInvalidParams(message=f"drvls: {exc}") from None
        refresh(server, uri)
        where = "embedded" if signed.written == signed.path else signed.written.name
        server.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Info, message=f"drvls: signed {signed.path.name} with key {signed.key_id}"))
        return {"key_id": signed.key_id, "kind": signed.kind.value, "written": where}
