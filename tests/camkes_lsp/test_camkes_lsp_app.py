"""Editing an imported component, as an open buffer, updates the diagnostics of the app importing it."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import pytest_lsp
from drvls_process import SERVE, drvls_env
from lsprotocol import types
from pygls.uris import from_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

REPO = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 20.0  # a test gives up after this long (a failure, not a measurement)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVE, server_env=drvls_env()))
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    yield
    await lsp_client.shutdown_session()


APP = """import <std_connector.camkes>;
import "procs.idl4";
import "components/client.camkes";
assembly {
    composition {
        component Client c;
        component Server s;
        connection seL4RPCCall rpc(from c.p, to s.p);
    }
}
"""
PROCS = "procedure P { void f(); };\ncomponent Server { provides P p; }\n"
CLIENT = "component Client {\n    control;\n    uses P p;\n}\n"


def uri_of(path: Path) -> str:
    uri = from_fs_path(str(path))
    assert uri is not None
    return uri


async def published(client: LanguageClient, uri: str,
                    ready: Callable[[list[types.Diagnostic]], bool]) -> list[types.Diagnostic]:
    """Waits for the server to publish diagnostics for `uri` that satisfy `ready`."""
    async def poll() -> list[types.Diagnostic]:
        while True:
            found = client.diagnostics.get(uri)
            if found is not None and ready(list(found)):
                return list(found)
            await asyncio.sleep(0.05)
    return await asyncio.wait_for(poll(), WAIT_SECONDS)


def messages(diagnostics: list[types.Diagnostic]) -> list[str]:
    return [d.message for d in diagnostics if d.severity == types.DiagnosticSeverity.Error]


async def test_editing_an_imported_component_updates_the_app(client: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / "components").mkdir()
    (tmp_path / "app.camkes").write_text(APP, encoding="utf-8")
    (tmp_path / "procs.idl4").write_text(PROCS, encoding="utf-8")
    (tmp_path / "components" / "client.camkes").write_text(CLIENT, encoding="utf-8")
    root = uri_of(tmp_path)
    await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("neovim@0.9"), root_uri=root,
        workspace_folders=[types.WorkspaceFolder(uri=root, name=tmp_path.name)]))

    app_uri = uri_of(tmp_path / "app.camkes")
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=app_uri, language_id="camkes", version=1, text=APP)))
    first = await published(client, app_uri, lambda _: True)
    assert messages(first) == []

    comp_uri = uri_of(tmp_path / "components" / "client.camkes")
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=comp_uri, language_id="camkes", version=1, text=CLIENT)))
    await published(client, comp_uri, lambda _: True)
    # Unsaved edit: the component gains a second required interface that the app does not connect.
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=comp_uri, version=2),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=3, character=0), end=types.Position(line=3, character=0)),
            text="    uses P q;\n")]))
    wanted = "non-optional interface c.q is not connected"
    after = await published(client, app_uri, lambda d: wanted in messages(d))
    diag = next(d for d in after if d.message == wanted)
    assert diag.range.start.line == 5  # at the instance `c`, in the app
    assert diag.code == "CK010"

    # Undo: the app is clean again, without saving anything to disk.
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=comp_uri, version=3),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=CLIENT)]))
    await published(client, app_uri, lambda d: messages(d) == [])
    assert (tmp_path / "components" / "client.camkes").read_text(encoding="utf-8") == CLIENT


async def test_component_shows_the_app_problem_in_its_own_file(client: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / "app.camkes").write_text(APP, encoding="utf-8")
    (tmp_path / "procs.idl4").write_text(PROCS, encoding="utf-8")
    (tmp_path / "components").mkdir()
    bad = "component Client {\n    control;\n    uses P p;\n    attribute int auto;\n}\n"
    (tmp_path / "components" / "client.camkes").write_text(bad, encoding="utf-8")
    root = uri_of(tmp_path)
    await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("neovim@0.9"), root_uri=root,
        workspace_folders=[types.WorkspaceFolder(uri=root, name=tmp_path.name)]))
    comp_uri = uri_of(tmp_path / "components" / "client.camkes")
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=comp_uri, language_id="camkes", version=1, text=bad)))
    found = await published(client, comp_uri, lambda d: bool(messages(d)))
    assert messages(found) == ["attribute name 'auto' clashes with a C keyword"]
    assert found[0].range.start == types.Position(line=3, character=18)


pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses POSIX paths for the test app")


async def test_an_app_written_to_disk_is_found_after_the_watcher_reports_it(client: LanguageClient,
                                                                            tmp_path: Path) -> None:
    """No clock: the scan for importing apps is dropped when the watcher reports a new file."""
    (tmp_path / "procs.idl4").write_text(PROCS, encoding="utf-8")
    (tmp_path / "components").mkdir()
    bad = "component Client {\n    control;\n    uses Q p;\n}\n"
    comp = tmp_path / "components" / "client.camkes"
    comp.write_text(bad, encoding="utf-8")
    root = uri_of(tmp_path)
    await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("neovim@0.9"), root_uri=root,
        workspace_folders=[types.WorkspaceFolder(uri=root, name=tmp_path.name)]))
    comp_uri = uri_of(comp)
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=comp_uri, language_id="camkes", version=1, text=bad)))
    alone = await published(client, comp_uri, lambda d: any(x.code == "CK005" for x in d))
    assert messages(alone) == []  # no app imports it yet: unknown names only warn

    (tmp_path / "app.camkes").write_text(APP, encoding="utf-8")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=uri_of(tmp_path / "app.camkes"), type=types.FileChangeType.Created)]))
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=comp_uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=bad + "\n")]))
    in_app = await published(client, comp_uri, lambda d: bool(messages(d)))
    assert messages(in_app) == ["unknown reference to 'Q'"]
