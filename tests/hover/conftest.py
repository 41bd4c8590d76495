"""One real `drvls serve` per test module (the navigation tests' editor, see hover_support); tests only
query, so they share it and run in the module's event loop."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_lsp
from hover_support import RECORDING, RecordingClient, start_editor
from pytest_lsp import LanguageClient


@pytest_lsp.fixture(config=RECORDING, scope="module", loop_scope="module")
async def hover_client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory
                       ) -> AsyncIterator[RecordingClient]:
    assert isinstance(lsp_client, RecordingClient)
    root = tmp_path_factory.mktemp("project")
    lsp_client.editor = await start_editor(lsp_client, "pull", root, {"debounce": 0})
    yield lsp_client
    await lsp_client.shutdown_session()
