"""A real `drvls serve` per test, with a pulling editor on the test's own folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from action_support import RECORDING, Editor, RecordingClient, start_editor
from lsp_support import EDITOR_DEFAULTS, pull_capabilities
from pytest_lsp import LanguageClient


@pytest_lsp.fixture(config=RECORDING)
async def served(lsp_client: LanguageClient, tmp_path: Path) -> AsyncIterator[None]:
    assert isinstance(lsp_client, RecordingClient)
    lsp_client.editor = await start_editor(lsp_client, "pull", tmp_path, dict(EDITOR_DEFAULTS))
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def editor(served: RecordingClient) -> Editor:
    return served.editor


@pytest_lsp.fixture(config=RECORDING)
async def served_without_show_document(lsp_client: LanguageClient, tmp_path: Path) -> AsyncIterator[None]:
    """The same editor, except that it cannot be asked to show a document (`window.showDocument`)."""
    assert isinstance(lsp_client, RecordingClient)
    caps = pull_capabilities()
    assert caps.window is not None
    caps.window.show_document = None
    lsp_client.editor = await start_editor(lsp_client, "pull", tmp_path, dict(EDITOR_DEFAULTS), capabilities=caps)
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def plain_editor(served_without_show_document: RecordingClient) -> Editor:
    return served_without_show_document.editor
