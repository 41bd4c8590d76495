"""Completion speed through the real language server on the ≈10,000-line Microkit system.

Run: `python bench/bench_completion.py [--rounds N] [--tiny]` from the repository root. The system
of `bench_microkit.py` (60 PDs of 100 maps, 1,500 regions, 600 channels) is opened in a real
`drvls serve` over stdio (pull diagnostics, debounce 0, a client with snippet support); once its
analysis is done, completion is asked at positions spread over the file, one kind of context at a
time: region names in `map@mr` (1,500 items), the next free vaddr, a free channel id, attribute
names, element names with snippets inside a PD, and the system-level snippets (shared regions,
whose two maps are placed at each PD's next free address). Then two kinds timed from an edit to
the answer, so they include the incremental analysis: "after a valid edit", a space typed in a PD
and region names asked in the map below (the first request on each new snapshot, which computes
what completion keeps per snapshot), and "after typing": `<map mr="` typed inside a PD (the file
then has a syntax error) and completion asked at once.

Printed, all measured in this run: p50/p95 in ms per kind, the number of items (so an empty answer
is visible instead of a fast nothing), and the ratio to the baseline: an unchanged
`textDocument/diagnostic` pull of the same document, the protocol's round trip with no work.
Goal: completion p95 ≤ 20 ms for every kind on the 10,000-line system.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_microkit import build_system  # noqa: E402
from bench_navigation import WAIT, percentile, positions, timed  # noqa: E402

GOAL_MS = 20.0

# Kind of context → (pattern whose first group's start + 1 is the cursor, offset from there).
CONTEXTS: dict[str, tuple[str, int]] = {
    "map@mr: region names": (r'<map mr="(\w)', -1),
    "map@vaddr: next free address": (r'<map mr="\w+" vaddr="(0)', -1),
    "end@id: free channel id": (r'<end pd="\w+" id="(\d)', -1),
    "attribute names in <map>": (r"<map (m)r=", -1),
    "elements inside a PD": (r'<program_image path="pd_\d+\.elf" />\n(\s)', 0),
    "system-level snippets": (r"</protection_domain>\n(\s)", 0),
}


async def start(folder: Path) -> LanguageClient:
    client = LanguageClient("bench-completion", "1")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "server"), os.environ.get("PYTHONPATH", "")]))
    await client.start_io(sys.executable, "-m", "drvls", "serve", env=env)
    caps = types.ClientCapabilities(text_document=types.TextDocumentClientCapabilities(
        diagnostic=types.DiagnosticClientCapabilities(),
        completion=types.CompletionClientCapabilities(
            completion_item=types.ClientCompletionItemOptions(snippet_support=True))))
    await asyncio.wait_for(client.initialize_async(types.InitializeParams(
        capabilities=caps, root_uri=folder.as_uri(), initialization_options={"drvls": {"debounce": 0}})), WAIT)
    client.initialized(types.InitializedParams())
    return client


def count(found: Any) -> list[Any]:
    return list(found.items) if isinstance(found, types.CompletionList) else list(found or [])


async def measure(text: str, folder: Path, rounds: int) -> list[tuple[str, list[float], int]]:
    path = folder / "large.system"
    path.write_text(text, encoding="utf-8")
    client = await start(folder)
    try:
        uri = path.as_uri()
        client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
            uri=uri, language_id="xml", version=1, text=text)))
        doc = types.TextDocumentIdentifier(uri=uri)
        first = await asyncio.wait_for(client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=doc)), WAIT)
        result_id = getattr(first, "result_id", None)
        rows = [("baseline (unchanged diagnostic pull)", *(await timed(rounds, lambda i: (
            client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
                text_document=doc, previous_result_id=result_id))))))]
        for label, (pattern, shift) in CONTEXTS.items():
            where = [types.Position(line=p.line, character=max(0, p.character + shift))
                     for p in positions(text, pattern, rounds)]
            times, _ = await timed(rounds, lambda i, where=where: client.text_document_completion_async(
                types.CompletionParams(text_document=doc, position=where[i % len(where)])))
            sample = count(await client.text_document_completion_async(types.CompletionParams(
                text_document=doc, position=where[0])))
            rows.append((label, times, len(sample)))
        version = 1
        for label, typed, shift in EDITS:
            times, items, version = await edit_then_complete(client, uri, text, rounds, version, typed, shift)
            rows.append((label, times, items))
        await asyncio.wait_for(client.shutdown_async(None), WAIT)
        client.exit(None)
    finally:
        await client.stop()
    return rows


# Edits timed to the answer: (label, text inserted, where from the end of a PD's program image tag).
# Completion is asked at once inside the `mr="` of the map on the line below the tag.
EDITS: list[tuple[str, str, int]] = [
    ("after a valid edit: map@mr (edit + analysis)", " ", -1),  # the first request on each new snapshot
    ('after typing <map mr=" (edit + analysis)', '\n        <map mr="', 2),  # the file now has a syntax error
]
MR_COLUMN = len('        <map mr="')


async def edit_then_complete(client: LanguageClient, uri: str, text: str, rounds: int, version: int, typed: str,
                             shift: int) -> tuple[list[float], int, int]:
    """Insert `typed` and ask for completion at once, timed from the edit to the answer; then undo the
    edit. (times, most items, the last version sent)."""
    where = positions(text, r'<program_image path="pd_\d+\.elf" (/)>', rounds)
    lines = typed.split("\n")
    times: list[float] = []
    items = 0
    for i in range(rounds):
        at = where[i % len(where)]
        at = types.Position(line=at.line, character=at.character + shift)
        version += 1
        start = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangePartial(range=types.Range(start=at, end=at), text=typed)]))
        found = await asyncio.wait_for(client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=at.line + 1, character=MR_COLUMN))), WAIT)
        times.append((time.perf_counter() - start) * 1000)
        items = max(items, len(count(found)))
        version += 1
        end = types.Position(line=at.line + len(lines) - 1,
                             character=(at.character if len(lines) == 1 else 0) + len(lines[-1]))
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangePartial(range=types.Range(start=at, end=end), text="")]))
    return times, items, version


def report(name: str, text: str, rows: list[tuple[str, list[float], int]]) -> bool:
    """Print the figures; True when every completion kind meets the goal."""
    print(f"\n{name}: {text.count(chr(10)) + 1} lines")
    base = statistics.median(rows[0][1]) or 1e-9
    ok = True
    for label, times, items in rows:
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        goal = None if label.startswith("baseline") else GOAL_MS
        verdict = "" if goal is None else f"  goal p95 ≤ {goal:.0f} ms: {'met' if p95 <= goal else 'MISSED'}"
        ok = ok and (goal is None or p95 <= goal)
        shown = "" if goal is None else f"  items={items}"
        print(f"  {label:44} p50={p50:8.2f} ms  p95={p95:8.2f} ms  ×baseline={p50 / base:6.1f}{shown}{verdict}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=60, help="requests per kind (default 60)")
    parser.add_argument("--tiny", action="store_true", help="a tiny system, for the smoke test")
    args = parser.parse_args(argv)
    text = build_system(pds=2, maps_per_pd=4, channels=2) if args.tiny else build_system()
    name = "Microkit (tiny)" if args.tiny else "Microkit, 10,000-line system"
    with tempfile.TemporaryDirectory(prefix="drvls-bench-completion-") as tmp:
        report(name, text, asyncio.run(measure(text, Path(tmp), args.rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
