"""The verdict for a file never depends on history: the same diagnostics (code, range, severity) for
every corpus file checked alone, in whole-corpus runs in shuffled orders (one process, and worker
processes), and in one long-lived server that opened the others first, in random order."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import random
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from drvls.cli.main import main
from drvls.core.languages import analyzer_for
from drvls_process import run_drvls
from lsp_support import EDITOR_DEFAULTS, RECORDING, WAIT, Editor, RecordingClient, as_client, start_editor
from lsprotocol import types
from prerequisites import corpus_path
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.slow

SUFFIXES = (".system", ".camkes", ".idl4", ".drv")
SEEDS = (1, 2, 3)
# (code, 0-based start line, start column, end line, end column, severity), columns in code points
Found = tuple[str, int, int, int, int, str]
Verdicts = dict[str, list[Found]]


@pytest.fixture(scope="module")
def corpus() -> Path:
    return corpus_path()


@pytest.fixture(scope="module")
def files(corpus: Path) -> list[str]:
    """Every corpus file a family claims, relative to the corpus, in a fixed order."""
    found = [p for p in corpus.rglob("*") if p.is_file() and (
        p.suffix in SUFFIXES or p.parent == corpus / "drv" / "sources")]
    return sorted(str(p.relative_to(corpus)) for p in found)


def parse_report(text: str, names: list[str]) -> Verdicts:
    out: Verdicts = {name: [] for name in names}
    for item in (json.loads(text)["diagnostics"] if text else []):
        if item["code"] == "MK201":  # never-built program images: the test editor ignores them (EDITOR_DEFAULTS)
            continue
        out.setdefault(item["path"], []).append((item["code"], item["line"] - 1, item["column"] - 1,
                                                 item["end_line"] - 1, item["end_column"] - 1, item["severity"]))
    return {name: sorted(found) for name, found in out.items()}


@contextlib.contextmanager
def cwd(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def check_in_process(corpus: Path, names: list[str]) -> Verdicts:
    """One `drvls check` run over `names` in this process (the CLI's own entry point)."""
    out = io.StringIO()
    with cwd(corpus), contextlib.redirect_stdout(out):
        main(["check", "--format", "json", "--fail-on", "never", "-j", "1", *names])
    return parse_report(out.getvalue(), names)


def check_in_workers(corpus: Path, names: list[str], jobs: int) -> Verdicts:
    result = run_drvls("check", "--format", "json", "--fail-on", "never", "-j", str(jobs), *names, cwd=corpus,
                       timeout=600)
    assert result.returncode == 0, result.stderr
    return parse_report(result.stdout, names)


@pytest.fixture(scope="module")
def alone(corpus: Path, files: list[str]) -> Verdicts:
    """Each file in a run of its own."""
    verdicts: Verdicts = {}
    for name in files:
        verdicts.update(check_in_process(corpus, [name]))
    return verdicts


def differences(expected: Verdicts, got: Verdicts) -> list[str]:
    return [f"{name}: alone {expected[name]} but here {got.get(name)}" for name in expected
            if got.get(name) != expected[name]]


@pytest.mark.parametrize("seed", SEEDS)
def test_a_whole_corpus_run_in_any_order_gives_each_file_its_own_verdict(
        corpus: Path, files: list[str], alone: Verdicts, seed: int) -> None:
    order = list(files)
    random.Random(seed).shuffle(order)
    assert differences(alone, check_in_process(corpus, order)) == []


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_worker_processes_give_each_file_its_own_verdict(corpus: Path, files: list[str], alone: Verdicts,
                                                         seed: int) -> None:
    order = list(files)
    random.Random(seed).shuffle(order)
    assert differences(alone, check_in_workers(corpus, order, jobs=2)) == []


SEVERITIES = {1: "error", 2: "warning", 3: "information", 4: "hint"}


@pytest_lsp.fixture(config=RECORDING)
async def corpus_session(lsp_client: LanguageClient, corpus: Path) -> AsyncIterator[None]:
    """A pulling editor whose workspace folder is the corpus, the folder the CLI runs above run in: the
    workspace is where CAmkES looks for the apps importing a file, so both faces must have the same one."""
    assert isinstance(lsp_client, RecordingClient)
    lsp_client.editor = await start_editor(lsp_client, "pull", corpus, EDITOR_DEFAULTS)
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def corpus_editor(corpus_session: RecordingClient) -> Editor:
    return corpus_session.editor


async def test_a_long_lived_server_gives_each_file_its_own_verdict(
        corpus_editor: Editor, corpus: Path, files: list[str], alone: Verdicts) -> None:
    """Open every file the server claims, in random order, one after another in one server; each
    file's diagnostics are the ones it has alone (in the client's UTF-16 columns)."""
    editor = corpus_editor
    order = [name for name in files if analyzer_for(corpus / name) is not None and not name.endswith(".drv")]
    random.Random(7).shuffle(order)
    wrong: list[str] = []
    for name in order:
        path = corpus / name
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue  # an editor could not hold it as a text buffer
        uri = path.as_uri()
        editor.versions[uri] = 1
        editor.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
            uri=uri, language_id="plaintext", version=1, text=text)))
        shown = await asyncio.wait_for(editor.diagnostics(uri), WAIT)
        got = sorted((str(d.code), d.range.start.line, d.range.start.character, d.range.end.line,
                      d.range.end.character, SEVERITIES[int(d.severity or 1)]) for d in shown)
        expected = sorted(as_lsp(text, alone[name]))
        if got != expected:
            wrong.append(f"{name}: alone {expected} but in the server {got}")
    assert wrong == []


def as_lsp(text: str, found: list[Found]) -> list[Any]:
    converted = as_client(text, [(code, sl, sc, el, ec) for code, sl, sc, el, ec, _ in found], "utf-16")
    return [(*c, f[5]) for c, f in zip(converted, found, strict=True)]
