"""Benchmark the language server: edit → diagnostics latency over stdio, incremental vs full sync.

Why: what a user feels is the time from a keystroke to fresh diagnostics. With incremental sync the
server turns each change into a tree-sitter edit so the analyzer re-parses incrementally; a client
that sends the whole text each time forces a full re-parse. Both go through the real server (a
subprocess speaking LSP over pipes, debounce 0, pull diagnostics), and are compared with analysing
the same text in-process from scratch (no protocol at all), measured in the same run.

Run: python bench/bench_lsp.py [--edits N] [--file PATH]
Output: one `key=value` line per figure (times in ms, medians) and the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

REPO = Path(__file__).resolve().parents[1]
SERVER_DIR = REPO / "server"
sys.path.insert(0, str(SERVER_DIR))
CORPUS = REPO.parent / "shared" / "corpus" / "microkit"

from drvls.core.config import Settings  # noqa: E402
from drvls.core.engine import check_source  # noqa: E402
from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile  # noqa: E402


def largest_system_file() -> Path:
    files = sorted(CORPUS.rglob("*.system"), key=lambda p: p.stat().st_size)
    if not files:
        raise SystemExit("no .system files under ../shared/corpus/microkit; pass --file")
    return files[-1]


def toggle_position(text: str) -> tuple[int, int]:
    """Where a one-character edit keeps the file meaningful: the last digit of the first `priority`."""
    offset = text.find('priority="')
    if offset < 0:
        offset = text.find("<!--") if "<!--" in text else 0
    else:
        offset += len('priority="')
    line = text.count("\n", 0, offset)
    return line, offset - (text.rfind("\n", 0, offset) + 1)


def in_process_ms(path: Path, text: str, rounds: int) -> list[float]:
    times = []
    ctx = AnalysisContext(settings=Settings(), workspace=DiskWorkspace())
    for i in range(rounds):
        variant = text if i % 2 else text.replace('priority="', 'priority="1', 1)
        start = time.perf_counter()
        check_source(SourceFile(path=path, data=variant.encode("utf-8"), text=variant), ctx)
        times.append((time.perf_counter() - start) * 1000)
    return times


async def server_ms(path: Path, text: str, rounds: int, incremental: bool) -> list[float]:
    client = LanguageClient("bench", "1")
    env = dict(os.environ, PYTHONPATH=str(SERVER_DIR))
    await client.start_io(sys.executable, "-m", "drvls", "serve", env=env)
    caps = types.ClientCapabilities(text_document=types.TextDocumentClientCapabilities(
        diagnostic=types.DiagnosticClientCapabilities()))
    await client.initialize_async(types.InitializeParams(capabilities=caps, initialization_options={"debounce": 0}))
    client.initialized(types.InitializedParams())
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="xml", version=1, text=text)))
    ident = types.TextDocumentIdentifier(uri=uri)
    await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=ident))
    line, column = toggle_position(text)
    times = []
    current = text
    for i in range(rounds):
        inserting = i % 2 == 0
        change: types.TextDocumentContentChangeEvent
        if incremental:
            end = column if inserting else column + 1
            change = types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(line=line, character=column),
                                  end=types.Position(line=line, character=end)),
                text="1" if inserting else "")
        else:
            current = text.replace('priority="', 'priority="1', 1) if inserting else text
            change = types.TextDocumentContentChangeWholeDocument(text=current)
        start = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=i + 2), content_changes=[change]))
        await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=ident))
        times.append((time.perf_counter() - start) * 1000)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=60)
    parser.add_argument("--file", type=Path)
    args = parser.parse_args()
    path = (args.file or largest_system_file()).resolve()
    text = path.read_text(encoding="utf-8")
    baseline = statistics.median(in_process_ms(path, text, args.edits))
    incremental = statistics.median(asyncio.run(server_ms(path, text, args.edits, True)))
    full = statistics.median(asyncio.run(server_ms(path, text, args.edits, False)))
    print(f"file={path.name} bytes={len(text.encode())} edits={args.edits}")
    print(f"in_process_full_analysis_ms={baseline:.2f}")
    print(f"server_incremental_edit_to_diagnostics_ms={incremental:.2f}")
    print(f"server_full_sync_edit_to_diagnostics_ms={full:.2f}")
    print(f"ratio_incremental_vs_in_process={incremental / baseline:.2f}")
    print(f"ratio_full_sync_vs_incremental={full / incremental:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
