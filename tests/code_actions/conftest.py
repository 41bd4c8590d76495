"""A real `drvls serve` per test, with a pulling editor on the test's own folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from action_support import RECORDING, Editor, RecordingClient, start_editor
from lsp_support import EDITOR_DEFAULTS
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
