"""One real `drvls serve` per test module, with a pulling VS Code-like editor on a temporary folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from pytest_lsp import LanguageClient
from rename_support import EDITOR_DEFAULTS, RECORDING, RecordingClient, start_editor


@pytest_lsp.fixture(config=RECORDING, scope="module", loop_scope="module")
async def rename_client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory
                        ) -> AsyncIterator[RecordingClient]:
    assert isinstance(lsp_client, RecordingClient)
    lsp_client.editor = await start_editor(lsp_client, "pull", tmp_path_factory.mktemp("project"), EDITOR_DEFAULTS)
    yield lsp_client
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=RECORDING, params=["visual-studio-code", "neovim@0.9", "emacs"])
async def profile_client(lsp_client: LanguageClient, request: pytest.FixtureRequest,
                         tmp_path: Path) -> AsyncIterator[RecordingClient]:
    """A server per test, initialised with a real client's recorded capabilities."""
    assert isinstance(lsp_client, RecordingClient)
    lsp_client.editor = await start_editor(lsp_client, request.param, tmp_path, EDITOR_DEFAULTS)
    yield lsp_client
    await lsp_client.shutdown_session()
