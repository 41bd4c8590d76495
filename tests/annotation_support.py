"""What the inlay-hint, code-lens and semantic-token tests share: one real `drvls serve` per test module
(pulling editor, UTF-16 positions), corpus files opened as they are on disk, and the protocol's answers
turned back into text for checking."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from prerequisites import corpus_path
from pytest_lsp import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent / "navigation"))
sys.path.insert(0, str(Path(__file__).resolve().parent / "lsp"))
from lsp_support import EDITOR_DEFAULTS, RECORDING, WAIT, RecordingClient, start_editor
from nav_support import open_file as open_path

__all__ = ["SYSTEMS", "WAIT", "RecordingClient", "annotations_client", "open_corpus", "open_path", "text_before"]

# Corpus systems with maps, VMs and channels (the last has no channels).
SYSTEMS = [
    ("au-ts__lionsos", "examples", "kitty", "kitty.system"),
    ("au-ts__libmicrokitco", "example", "benchmarks", "validation_2_notify", "validation_notify.system"),
    ("au-ts__sddf", "examples", "timer", "timer.system"),
    ("au-ts__libvmm", "examples", "simple", "board", "qemu_virt_aarch64", "simple.system"),
]


@pytest_lsp.fixture(config=RECORDING, scope="module", loop_scope="module")
async def annotations_client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory
                             ) -> AsyncIterator[RecordingClient]:
    assert isinstance(lsp_client, RecordingClient)
    lsp_client.editor = await start_editor(lsp_client, "pull", tmp_path_factory.mktemp("project"),
                                           dict(EDITOR_DEFAULTS))
    yield lsp_client
    await lsp_client.shutdown_session()


def open_corpus(client: RecordingClient, family: str, parts: tuple[str, ...]) -> tuple[str, str, Path]:
    path = corpus_path(family, *parts[:-1], required_file=parts[-1]) / parts[-1]
    uri, text = open_path(client, path, "xml" if family == "microkit" else "camkes")
    return uri, text, path


def close(client: RecordingClient, uri: str) -> None:
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))


def text_before(text: str, pos: types.Position) -> str:
    """The line's text before a position (the files here are ASCII, so UTF-16 columns are code points)."""
    return text.split("\n")[pos.line][:pos.character]
