"""Fixtures for the Microkit tests (shared code lives in `microkit_support`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from drvls_process import SERVE, drvls_env
from microkit_support import Check, Diagnostic, run_check


@pytest.fixture
def check(tmp_path: Path) -> Check:
    """Write `text` to a `.system` file and check it; keyword arguments are `microkit` settings."""

    def run(text: str, name: str = "test.system", unbuilt: bool = False, **microkit: Any) -> list[Diagnostic]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return run_check(path, cli={"microkit": microkit} if microkit else None, unbuilt=unbuilt)

    return run




# --- A real `drvls serve` over stdio, driven like an editor without pull diagnostics. ---

from collections.abc import AsyncIterator  # noqa: E402

import pytest_lsp  # noqa: E402
from lsprotocol import types  # noqa: E402
from pygls.protocol import default_converter  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features  # noqa: E402
from pytest_lsp.protocol import LanguageClientProtocol  # noqa: E402


class MicrokitClient(LanguageClient):
    """The pytest-lsp client, keeping every publishDiagnostics it receives, in order, with its version
    (waiting for "the next notification" could miss one that arrives right behind another)."""

    published: list[types.PublishDiagnosticsParams]


def _record_publish(client: MicrokitClient, params: types.PublishDiagnosticsParams) -> None:
    client.published.append(params)
    client.diagnostics[params.uri] = params.diagnostics


def _make_client() -> MicrokitClient:
    client = MicrokitClient(converter_factory=default_converter, protocol_cls=LanguageClientProtocol)
    client.published = []
    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES,
                                   types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _record_publish})
    return client


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVE, server_env=drvls_env(),
                                              client_factory=_make_client))
async def mk_client(lsp_client: MicrokitClient, tmp_path: Path) -> AsyncIterator[MicrokitClient]:
    """A client like Neovim 0.9 (diagnostics are published, not pulled), with debounce 0."""
    caps = client_capabilities("neovim@0.9")
    lsp_client.set_configuration({"debounce": 0, "ignore": ["MK201"]}, section="drvls")  # images never built
    root = tmp_path.as_uri()
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=caps, root_uri=root, workspace_folders=[types.WorkspaceFolder(uri=root, name="ws")]))
    yield lsp_client
    await lsp_client.shutdown_session()
