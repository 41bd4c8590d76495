"""A real `drvls serve` over stdio, with a project folder holding rule sources and a compiled `.drv`."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_lsp
from drvls_process import SERVE, drvls_env
from lsprotocol import types
from pygls.protocol import default_converter
from pygls.uris import from_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features
from pytest_lsp.protocol import LanguageClientProtocol

SERVER_DIR = Path(__file__).resolve().parents[2] / "server"
if str(SERVER_DIR) not in sys.path:
    sys.path.insert(0, str(SERVER_DIR))  # in-process imports work before `pip install -e .` too

RULES = "# Persona: Reviewer\nA careful reviewer.\n\n# Style\n- Use snake_case for functions\n- Keep it clean\n"


def _ignore(client: LanguageClient, params: object) -> None:
    return None


def _record_refresh(client: LanguageClient, params: types.TextDocumentContentRefreshParams) -> None:
    client.content_refreshes.append(params.uri)  # type: ignore[attr-defined]


def make_client() -> LanguageClient:
    """The pytest-lsp client, also answering the registrations and refreshes a real editor answers."""
    client = LanguageClient(converter_factory=default_converter, protocol_cls=LanguageClientProtocol)
    register_lsp_features(client, {
        **DEFAULT_CLIENT_FEATURES,
        types.CLIENT_REGISTER_CAPABILITY: _ignore,
        types.CLIENT_UNREGISTER_CAPABILITY: _ignore,
        types.WORKSPACE_DIAGNOSTIC_REFRESH: _ignore,
        types.WORKSPACE_CODE_LENS_REFRESH: _ignore,
        types.WORKSPACE_TEXT_DOCUMENT_CONTENT_REFRESH: _record_refresh,
    })
    client.content_refreshes = []  # type: ignore[attr-defined]
    return client


SERVER = ClientServerConfig(server_command=SERVE, server_env=drvls_env(),
                            client_factory=make_client)


def capabilities() -> types.ClientCapabilities:
    """VS Code-like, with pull diagnostics."""
    caps = client_capabilities("visual-studio-code")
    assert caps.text_document is not None
    caps.text_document.diagnostic = types.DiagnosticClientCapabilities(dynamic_registration=True)
    assert caps.workspace is not None
    caps.workspace.text_document_content = types.TextDocumentContentClientCapabilities(dynamic_registration=False)
    return caps


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, tmp_path: Path) -> AsyncIterator[None]:
    from drvls.drv.compile import compile_sources

    root = tmp_path / "project"
    root.mkdir()
    (root / ".cursorrules").write_text(RULES, encoding="utf-8")
    compile_sources([root / ".cursorrules"], root / "rules.drv", cwd=root)
    (root / "broken.drv").write_bytes(b"DRV\x00\x02\x00 not really")
    lsp_client.set_configuration({"debounce": 0}, section="drvls")
    root_uri = from_fs_path(str(root))
    assert root_uri is not None
    result = await lsp_client.initialize_session(types.InitializeParams(
        capabilities=capabilities(), root_uri=root_uri,
        workspace_folders=[types.WorkspaceFolder(uri=root_uri, name="project")]))
    lsp_client.drv_root = root  # type: ignore[attr-defined]
    lsp_client.drv_init = result  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def emit_client(lsp_client: LanguageClient, tmp_path: Path) -> AsyncIterator[None]:
    """A repository whose `rules.drv` was emitted to AGENTS.md and CLAUDE.md (`[rules] targets`)."""
    from drvls.drv.compile import compile_sources
    from drvls.drv.emit.apply import apply
    from drvls.drv.emit.source import load_source

    root = tmp_path / "repo"
    (root / "rules").mkdir(parents=True)
    (root / "rules" / "CONVENTIONS.md").write_text("# Standards\n- Use snake_case for functions\n", encoding="utf-8")
    compile_sources([root / "rules"], root / "rules.drv", cwd=root)
    (root / "drvls.toml").write_text('debounce = 0\n[rules]\ntargets = ["agents", "claude"]\n', encoding="utf-8")
    ruleset, source = load_source(root / "rules.drv", root)
    _plan, outcome = apply(root, ruleset, source, ["agents", "claude"])
    assert outcome.written == ["AGENTS.md", "CLAUDE.md"]
    lsp_client.set_configuration({"debounce": 0}, section="drvls")
    root_uri = from_fs_path(str(root))
    assert root_uri is not None
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=capabilities(), root_uri=root_uri,
        workspace_folders=[types.WorkspaceFolder(uri=root_uri, name="repo")]))
    lsp_client.repo = root  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()
