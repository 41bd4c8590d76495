"""One real `drvls serve` per test module, with a pulling editor on a folder of rule sources (see
nav_support); tests only query, so they can share it, and run in the module's event loop."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
import pytest_lsp
from nav_support import RECORDING, Project, RecordingClient, open_project, start_editor
from pytest_lsp import LanguageClient


@pytest_lsp.fixture(config=RECORDING, scope="module", loop_scope="module")
async def nav_client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory
                     ) -> AsyncIterator[RecordingClient]:
    assert isinstance(lsp_client, RecordingClient)
    root = tmp_path_factory.mktemp("project")
    lsp_client.editor = await start_editor(lsp_client, "pull", root, {"debounce": 0})
    yield lsp_client
    await lsp_client.shutdown_session()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def project(nav_client: RecordingClient) -> Project:
    return await open_project(nav_client.editor)
