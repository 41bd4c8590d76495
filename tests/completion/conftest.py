"""One real `drvls serve` per test module and target (pygls over stdio, a VS Code-like client with
pull diagnostics and snippet support); tests open their own documents, so they can share it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_lsp
from completion_support import EDITOR_DEFAULTS, RECORDING, RecordingClient, start_editor
from pytest_lsp import LanguageClient


@pytest_lsp.fixture(config=RECORDING, scope="module", loop_scope="module")
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory
                 ) -> AsyncIterator[RecordingClient]:
    """The default target (AArch64 with a hypervisor, one core, Microkit 2.3)."""
    assert isinstance(lsp_client, RecordingClient)
    lsp_client.editor = await start_editor(lsp_client, "pull", tmp_path_factory.mktemp("project"), EDITOR_DEFAULTS)
    yield lsp_client
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=RECORDING, scope="module", loop_scope="module")
async def x86_client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory
                     ) -> AsyncIterator[RecordingClient]:
    """An x86-64 target without a hypervisor."""
    assert isinstance(lsp_client, RecordingClient)
    settings = {**EDITOR_DEFAULTS, "microkit": {"arch": "x86_64", "hypervisor": False}}
    lsp_client.editor = await start_editor(lsp_client, "pull", tmp_path_factory.mktemp("x86"), settings)
    yield lsp_client
    await lsp_client.shutdown_session()
