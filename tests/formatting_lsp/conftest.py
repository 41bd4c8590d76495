"""One real `drvls serve` per test module, with a pulling editor on a folder of copied corpus files;
the tests only ask for formatting, so they can share it, and run in the module's event loop."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from pytest_lsp import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lsp"))
from lsp_support import EDITOR_DEFAULTS, RECORDING, RecordingClient, start_editor


@pytest_lsp.fixture(config=RECORDING, scope="module", loop_scope="module")
async def format_client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory
                        ) -> AsyncIterator[RecordingClient]:
    assert isinstance(lsp_client, RecordingClient)
    root = tmp_path_factory.mktemp("project")
    lsp_client.editor = await start_editor(lsp_client, "pull", root, EDITOR_DEFAULTS)
    yield lsp_client
    await lsp_client.shutdown_session()
