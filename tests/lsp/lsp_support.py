"""Fixtures that run the real `drvls serve` over stdio and talk to it like an editor would."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from cattrs import Converter
from drvls_process import SERVE, drvls_env
from lsprotocol import types
from prerequisites import needs
from pygls.protocol import default_converter
from pygls.uris import from_fs_path
from pytest_lsp import ClientServerConfig, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features
from pytest_lsp.client import LanguageClient as _Client
from pytest_lsp.protocol import LanguageClientProtocol

REPO = Path(__file__).resolve().parents[2]
SERVER_DIR = REPO / "server"
if str(SERVER_DIR) not in sys.path:
    sys.path.insert(0, str(SERVER_DIR))  # in-process imports work before `pip install -e .` too
WAIT = 20.0  # seconds before a test gives up waiting for the server (a failure, not a measurement)


server_env = drvls_env
SERVER = ClientServerConfig(server_command=SERVE, server_env=drvls_env())


UNBUILT_IMAGE = "MK201"  # a program image not found next to the system file
# What the test editor starts with: no debounce, and no warnings for the never-built program images.
EDITOR_DEFAULTS: dict[str, Any] = {"debounce": 0, "ignore": [UNBUILT_IMAGE]}


def analyzer_available(suffix: str) -> bool:
    """Whether this build has an analyzer for files ending in `suffix` (checked in-process)."""
    from drvls.core.languages import analyzer_for

    return analyzer_for(Path(f"x{suffix}")) is not None


needs_microkit = needs(analyzer_available(".system"),
                       "the Microkit analyzer (drvls.microkit.analyzer) is not in this build")


def pull_capabilities() -> types.ClientCapabilities:
    """A VS Code-like client with pull diagnostics (as vscode-languageclient 8+ declares them)."""
    caps = client_capabilities("visual-studio-code")
    assert caps.text_document is not None and caps.workspace is not None
    caps.text_document.diagnostic = types.DiagnosticClientCapabilities(
        dynamic_registration=True, related_document_support=False)
    caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    return caps


def push_capabilities() -> types.ClientCapabilities:
    """A Neovim-like client without pull support (Neovim before 0.10), so it relies on publishing."""
    caps = client_capabilities("neovim@0.9")
    assert caps.text_document is not None and caps.text_document.diagnostic is None
    return caps


@dataclass
class Published:
    uri: str
    version: int | None
    diagnostics: list[types.Diagnostic]


class RecordingClient(_Client):
    """The pytest-lsp client, also keeping every publishDiagnostics it receives (with versions)."""

    published: list[Published]
    registrations: list[types.Registration]
    applied_edits: list[types.ApplyWorkspaceEditParams]
    editor: Editor


def _record_publish(client: RecordingClient, params: types.PublishDiagnosticsParams) -> None:
    client.published.append(Published(params.uri, params.version, list(params.diagnostics)))
    client.diagnostics[params.uri] = params.diagnostics


def _record_registration(client: RecordingClient, params: types.RegistrationParams) -> None:
    client.registrations.extend(params.registrations)


def _unregister(client: RecordingClient, params: types.UnregistrationParams) -> None:
    return None


def _record_applied_edit(client: RecordingClient, params: types.ApplyWorkspaceEditParams
                         ) -> types.ApplyWorkspaceEditResult:
    """The editor accepts every edit the server asks it to apply; the test reads what it was."""
    client.applied_edits.append(params)
    return types.ApplyWorkspaceEditResult(applied=True)


def converter() -> Converter:
    """pygls's converter, except that a code action carrying a command stays a `CodeAction`: lsprotocol
    reads any item with a `command` field as a plain `Command`, whose `command` is a string."""
    conv = default_converter()

    def code_action(obj: Any, _type: Any) -> types.Command | types.CodeAction:
        plain = isinstance(obj.get("command"), str)
        return conv.structure(obj, types.Command if plain else types.CodeAction)

    conv.register_structure_hook(Union[types.Command, types.CodeAction], code_action)  # noqa: UP007
    return conv


def make_client() -> RecordingClient:
    client = RecordingClient(converter_factory=converter, protocol_cls=LanguageClientProtocol)
    client.published = []
    client.registrations = []
    client.applied_edits = []
    register_lsp_features(client, {
        **DEFAULT_CLIENT_FEATURES,
        types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _record_publish,
        types.CLIENT_REGISTER_CAPABILITY: _record_registration,
        types.CLIENT_UNREGISTER_CAPABILITY: _unregister,
        types.WORKSPACE_APPLY_EDIT: _record_applied_edit,
    })
    return client


RECORDING = ClientServerConfig(server_command=SERVER.server_command, server_env=SERVER.server_env,
                               client_factory=make_client)


@dataclass
class Editor:
    """One editor session: a client, its mode, and the project folder it opened."""

    client: RecordingClient
    mode: str
    root: Path
    init: types.InitializeResult
    versions: dict[str, int] = field(default_factory=dict)
    result_ids: dict[str, str] = field(default_factory=dict)

    def uri(self, name: str) -> str:
        uri = from_fs_path(str(self.root / name))
        assert uri is not None
        return uri

    def write(self, name: str, text: str | bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def open(self, name: str, text: str, language_id: str = "xml") -> str:
        uri = self.uri(name)
        self.versions[uri] = 1
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
            uri=uri, language_id=language_id, version=1, text=text)))
        return uri

    def change(self, uri: str, start: tuple[int, int], end: tuple[int, int], text: str) -> int:
        self.versions[uri] += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(line=start[0], character=start[1]),
                                  end=types.Position(line=end[0], character=end[1])),
                text=text)]))
        return self.versions[uri]

    async def diagnostics(self, uri: str) -> list[types.Diagnostic]:
        """The diagnostics the editor would show for the document's current version."""
        if self.mode == "pull":
            report = await asyncio.wait_for(self.client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))), WAIT)
            assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
            if report.result_id:
                self.result_ids[uri] = report.result_id
            return list(report.items)
        return (await self.wait_published(uri, self.versions[uri])).diagnostics

    async def wait_published(self, uri: str, version: int | None, after: int = 0) -> Published:
        """The first publication for `uri` at `version` among those received after index `after`."""
        async def poll() -> Published:
            while True:
                for item in self.client.published[after:]:
                    if item.uri == uri and item.version == version:
                        return item
                await asyncio.sleep(0.02)

        return await asyncio.wait_for(poll(), WAIT)

    async def change_settings(self, values: dict[str, Any]) -> None:
        self.client.set_configuration({"ignore": EDITOR_DEFAULTS["ignore"], **values}, section="drvls")
        self.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))


async def start_editor(client: RecordingClient, mode: str, root: Path, settings: dict[str, Any],
                       encodings: list[str] | None = None, via_init_options: bool = False,
                       capabilities: types.ClientCapabilities | None = None) -> Editor:
    """Initialise a session; settings go through `workspace/configuration`, or else `initializationOptions`."""
    # "pull", "push", or a real client's recorded capabilities ("neovim@0.10", "emacs", ...).
    caps = capabilities or {"pull": pull_capabilities, "push": push_capabilities}.get(
        mode, lambda: client_capabilities(mode))()
    if encodings is not None:
        caps.general = types.GeneralClientCapabilities(position_encodings=encodings)
    if via_init_options:
        assert caps.workspace is not None
        caps.workspace.configuration = False
    else:
        client.set_configuration(settings, section="drvls")
    root_uri = from_fs_path(str(root))
    assert root_uri is not None
    init = await client.initialize_session(types.InitializeParams(
        capabilities=caps, root_uri=root_uri,
        initialization_options={"drvls": settings} if via_init_options else None,
        workspace_folders=[types.WorkspaceFolder(uri=root_uri, name=root.name)]))
    return Editor(client=client, mode=mode, root=root, init=init)


def core_diagnostics(
    path: Path, text: str, settings: dict[str, Any] | None = None
) -> list[tuple[str, int, int, int, int]]:
    """What the analysis core itself reports for `text` (code and code-point range), for comparison."""
    from drvls.core.config import load_settings
    from drvls.core.engine import check_source
    from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile

    ctx = AnalysisContext(settings=load_settings(path, editor=settings or {}), workspace=DiskWorkspace())
    analysis = check_source(SourceFile(path=path, data=text.encode("utf-8"), text=text), ctx)
    return [(d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
            for d in analysis.diagnostics if d.code != UNBUILT_IMAGE]


def units(text: str, encoding: str) -> int:
    """Length of `text` in the code units of a position encoding."""
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    return len(text)


def as_client(text: str, found: list[tuple[str, int, int, int, int]],
              encoding: str = "utf-16") -> list[tuple[str, int, int, int, int]]:
    """Code-point ranges converted to a client's encoding, independently of the server's code."""
    lines = text.split("\n")

    def col(line: int, character: int) -> int:
        return units(lines[line][:character], encoding) if line < len(lines) else character

    return [(code, sl, col(sl, sc), el, col(el, ec)) for code, sl, sc, el, ec in found]


def summary(diagnostics: list[types.Diagnostic]) -> list[tuple[str, int, int, int, int]]:
    """Diagnostics as (code, start line, start column, end line, end column), in order.

    The program images these tests' systems name are never built, so their `MK201` warnings are left
    out (tests/microkit/test_microkit_images*.py cover them).
    """
    return [(str(d.code), d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
            for d in diagnostics if d.code != UNBUILT_IMAGE]
