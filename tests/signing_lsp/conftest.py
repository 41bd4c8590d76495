"""A real `drvls serve` over stdio, with a key pair and editor settings naming it."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pygls.uris import from_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features
from pytest_lsp.protocol import LanguageClientProtocol

SERVER_DIR = Path(__file__).resolve().parents[2] / "server"
if str(SERVER_DIR) not in sys.path:
    sys.path.insert(0, str(SERVER_DIR))

from drvls.signing.keys import write_key_pair  # noqa: E402
from drvls_process import SERVE, drvls_env  # noqa: E402
from signing_lsp_support import Session  # noqa: E402


def server_env() -> dict[str, str]:
    return drvls_env(DRVLS_LOG_LEVEL="DEBUG")  # the most talkative the server gets: still no key material


def _ignore(client: LanguageClient, params: object) -> None:
    return None


def _record_lens_refresh(client: LanguageClient, params: object) -> None:
    """Count `workspace/codeLens/refresh` requests, as an editor would act on them."""
    client.lens_refreshes = getattr(client, "lens_refreshes", 0) + 1  # type: ignore[attr-defined]


def _record_registration(client: LanguageClient, params: types.RegistrationParams) -> None:
    """Accept watcher registrations as an editor does, keeping them so tests can see what is watched."""
    found: list[types.Registration] = getattr(client, "registrations", [])
    found.extend(params.registrations)
    client.registrations = found  # type: ignore[attr-defined]


def make_client() -> LanguageClient:
    """The pytest-lsp client, also answering the requests a real editor answers (watchers, refreshes)."""
    client = LanguageClient(converter_factory=default_converter, protocol_cls=LanguageClientProtocol)
    register_lsp_features(client, {
        **DEFAULT_CLIENT_FEATURES,
        types.CLIENT_REGISTER_CAPABILITY: _record_registration,
        types.CLIENT_UNREGISTER_CAPABILITY: _ignore,
        types.WORKSPACE_CODE_LENS_REFRESH: _record_lens_refresh,
    })
    return client


SERVER = ClientServerConfig(server_command=SERVE, server_env=server_env(),
                            client_factory=make_client)


def capabilities() -> types.ClientCapabilities:
    """VS Code-like, with pull diagnostics and code lens refresh."""
    caps = client_capabilities("visual-studio-code")
    assert caps.text_document is not None and caps.workspace is not None
    caps.text_document.diagnostic = types.DiagnosticClientCapabilities(dynamic_registration=True)
    caps.workspace.code_lens = types.CodeLensWorkspaceClientCapabilities(refresh_support=True)
    caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    return caps


@pytest_lsp.fixture(config=SERVER)  # type: ignore[untyped-decorator]
async def lsp(lsp_client: LanguageClient, tmp_path: Path) -> AsyncIterator[None]:
    """Editor settings trust `keys` only (the user's own trust store is switched off) and sign with it."""
    base = tmp_path
    root = base / "project"
    root.mkdir()
    keys = write_key_pair(base / "keys")
    other = write_key_pair(base / "other")
    settings = {"debounce": 0, "signing": {
        "trustedKeys": [str(keys.public)], "key": str(keys.private), "userTrustStore": False}}
    lsp_client.set_configuration(settings, section="drvls")
    root_uri = from_fs_path(str(root))
    assert root_uri is not None
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=capabilities(), root_uri=root_uri, initialization_options={"drvls": settings},
        workspace_folders=[types.WorkspaceFolder(uri=root_uri, name="project")]))
    lsp_client.signing_session = Session(lsp_client, root, keys, other)  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def session(lsp: LanguageClient) -> Session:
    """The started editor session (pytest-lsp fixtures always yield the client itself)."""
    found: Session = lsp.signing_session  # type: ignore[attr-defined]
    return found
