"""Fixtures for the language-server tests: a real `drvls serve` per test, with a pulling or a publishing editor."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsp_support import EDITOR_DEFAULTS, RECORDING, Editor, RecordingClient, start_editor
from pytest_lsp import LanguageClient


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "editor_settings(values): the `drvls` settings the test editor starts with")
    config.addinivalue_line("markers", "encodings(names): position encodings the test editor offers")
    config.addinivalue_line("markers", "init_options: send the settings as initializationOptions only")


def _editor_fixture(name: str, modes: list[str]) -> Any:
    @pytest_lsp.fixture(config=RECORDING, params=modes, name=name)
    async def fixture(lsp_client: LanguageClient, request: pytest.FixtureRequest,
                      tmp_path: Path) -> AsyncIterator[None]:
        """A server with an editor attached; no debounce unless the test sets one, and no `MK201` (the
        program images these tests' systems name are never built) unless the test sets `ignore`."""
        assert isinstance(lsp_client, RecordingClient)
        marker = request.node.get_closest_marker("editor_settings")
        settings = {**EDITOR_DEFAULTS, **(marker.args[0] if marker else {})}
        encodings = request.node.get_closest_marker("encodings")
        lsp_client.editor = await start_editor(lsp_client, request.param, tmp_path, settings,
                                               list(encodings.args[0]) if encodings else None,
                                               request.node.get_closest_marker("init_options") is not None)
        yield
        await lsp_client.shutdown_session()

    return fixture


lsp_any = _editor_fixture("lsp_any", ["pull", "push"])
lsp_pull = _editor_fixture("lsp_pull", ["pull"])
lsp_push = _editor_fixture("lsp_push", ["push"])


@pytest.fixture
def editor(lsp_any: RecordingClient) -> Editor:
    """An editor of each kind: every test using it runs with a pulling and a publishing client."""
    return lsp_any.editor


@pytest.fixture
def pull_editor(lsp_pull: RecordingClient) -> Editor:
    """A VS Code-like editor that pulls diagnostics."""
    return lsp_pull.editor


@pytest.fixture
def push_editor(lsp_push: RecordingClient) -> Editor:
    """A Neovim-like editor that receives published diagnostics."""
    return lsp_push.editor


