"""Navigation speed through the real language server: definition, references, document symbols.

Run: `python bench/bench_navigation.py [--rounds N] [--tiny]` from the repository root. Two inputs,
both generated: the ≈10,000-line Microkit system of `bench_microkit.py` (and a 1,000-line one),
and a rule source with 400 sections whose text links to their anchors. Each is opened in a real
`drvls serve` over stdio (pull diagnostics, debounce 0); once its analysis is done, definition and
references are asked at names spread over the file, and the document symbols of the whole file.
Document symbols are asked through a raw JSON-RPC client (`raw_lsp.py`: the framed answer read and
`json.loads`-ed, nothing more) on a second server of the same folder, so the figure is the server's
and not that of a client structuring thousands of symbols into typed objects.

Printed, all measured in this run: p50/p95 in ms per request kind, the number of results (so an
empty symbol index is visible instead of a fast nothing), and the ratio to the baseline: an
unchanged `textDocument/diagnostic` pull of the same document, the protocol's round trip with no
work. Goals: definition and references p95 ≤ 20 ms; document symbols p95 ≤ 150 ms on the 10,000-line
system and ≤ 20 ms on the 1,000-line one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_microkit import build_system  # noqa: E402
from drvls.core.collector import gc_paused  # noqa: E402  (the client's own collector kept out of the timings)
from raw_lsp import CAPABILITIES, RawServer  # noqa: E402

DEFINITION_GOAL_MS = 20.0
SYMBOLS_GOAL_MS = {"large": 150.0, "medium": 20.0}
WAIT = 60.0


def build_rules(sections: int) -> str:
    """A rule source: sections of standards, each linking to the next section's anchor."""
    out = ["# Conventions", ""]
    for i in range(sections):
        out += [f"## Area {i}", f"- Rule {i}.1: see [the next area](#area-{(i + 1) % sections})",
                f"- Rule {i}.2 keeps names short", ""]
    return "\n".join(out)


Rows = list[tuple[str, list[float], int]]  # (label, times in ms, results)


@dataclass
class Case:
    name: str
    file: str
    text: str
    size: str  # "large", "medium" or "small": which document-symbol goal applies


Measure = Callable[[Case, Path, int], Awaitable[Rows]]
Report = Callable[[Case, Rows], bool]


def positions(text: str, pattern: str, count: int) -> list[types.Position]:
    """`count` positions spread over the file, each inside a match of `pattern`'s first group."""
    found = [m.start(1) + 1 for m in re.finditer(pattern, text)]
    if not found:
        return [types.Position(line=0, character=0)]
    step = max(1, len(found) // count)
    out = []
    for offset in found[::step][:count]:
        line = text.count("\n", 0, offset)
        out.append(types.Position(line=line, character=offset - (text.rfind("\n", 0, offset) + 1)))
    return out


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def timed(rounds: int, call: Callable[[int], Awaitable[Any]]) -> tuple[list[float], int]:
    times: list[float] = []
    results = 0
    for i in range(rounds):
        with gc_paused():
            start = time.perf_counter()
            found = await asyncio.wait_for(call(i), WAIT)
            times.append((time.perf_counter() - start) * 1000)
        results = max(results, len(found) if isinstance(found, list | tuple) else 0)
    return times, results


SERVE = (sys.executable, "-m", "drvls", "serve")


def server_env() -> dict[str, str]:
    """This environment with this checkout's `server/` first on PYTHONPATH."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "server"), os.environ.get("PYTHONPATH", "")]))


async def start_server(name: str) -> LanguageClient:
    """A real `drvls serve` over stdio, from this checkout."""
    client = LanguageClient(name, "1")
    await client.start_io(*SERVE, env=server_env())
    return client


async def initialize(client: LanguageClient, caps: types.ClientCapabilities, folder: Path) -> None:
    """Initialise a started server on `folder`, analysing without debounce."""
    await asyncio.wait_for(client.initialize_async(types.InitializeParams(
        capabilities=caps, root_uri=folder.as_uri(), initialization_options={"drvls": {"debounce": 0}})), WAIT)
    client.initialized(types.InitializedParams())


async def open_analysed(client: LanguageClient, caps: types.ClientCapabilities, folder: Path, path: Path,
                        text: str) -> tuple[types.TextDocumentIdentifier, str | None]:
    """Initialise on `folder` (debounce 0), open `path` and wait for its first diagnostic pull: the
    document and the pull's result id (for unchanged pulls, the baseline)."""
    await initialize(client, caps, folder)
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=path.as_uri(), language_id="plaintext", version=1, text=text)))
    doc = types.TextDocumentIdentifier(uri=path.as_uri())
    first = await asyncio.wait_for(client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=doc)), WAIT)
    return doc, getattr(first, "result_id", None)


async def open_session(case: Case, folder: Path, name: str, caps: types.ClientCapabilities
                       ) -> tuple[LanguageClient, types.TextDocumentIdentifier, str | None]:
    """A real `drvls serve` on `folder` with the case's file written, open and analysed: the client, the
    document, and the result id of its first pull."""
    path = folder / case.file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(case.text, encoding="utf-8")
    client = await start_server(name)
    try:
        doc, result_id = await open_analysed(client, caps, folder, path, case.text)
    except BaseException:
        await client.stop()
        raise
    return client, doc, result_id


async def close_session(client: LanguageClient) -> None:
    try:
        await asyncio.wait_for(client.shutdown_async(None), WAIT)
        client.exit(None)
    finally:
        await client.stop()


async def measure(case: Case, folder: Path, rounds: int) -> list[tuple[str, list[float], int]]:
    caps = types.ClientCapabilities(text_document=types.TextDocumentClientCapabilities(
        diagnostic=types.DiagnosticClientCapabilities(),
        document_symbol=types.DocumentSymbolClientCapabilities(hierarchical_document_symbol_support=True)))
    client, doc, result_id = await open_session(case, folder, "bench-navigation", caps)
    try:
        pattern = r'mr="(\w+)"' if case.file.endswith(".system") else r"\(#([\w-]+)\)"
        where = positions(case.text, pattern, rounds)

        def at(i: int) -> types.Position:
            return where[i % len(where)]

        baseline = await timed(rounds, lambda i: client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=doc, previous_result_id=result_id)))
        definition = await timed(rounds, lambda i: client.text_document_definition_async(
            types.DefinitionParams(text_document=doc, position=at(i))))
        references = await timed(rounds, lambda i: client.text_document_references_async(types.ReferenceParams(
            text_document=doc, position=at(i), context=types.ReferenceContext(include_declaration=True))))
    finally:
        await close_session(client)
    symbols, results, cpu = raw_document_symbols(folder / case.file, case.text, folder, max(3, rounds // 4))
    return [("baseline (unchanged diagnostic pull)", baseline[0], 0), ("definition", *definition),
            ("references", *references), ("document symbols", symbols, results),
            (SERVER_CPU, [cpu], 0)]


SERVER_CPU = "server CPU per document symbols (mean)"


def raw_document_symbols(path: Path, text: str, folder: Path, rounds: int) -> tuple[list[float], int, float]:
    """Document symbols of `path` (open and analysed) `rounds` times through the raw client: ms per
    answer read and parsed as JSON, the number of top-level symbols, and the server's CPU ms per
    answer after the first (which builds the outline): the figure a loaded machine does not blur."""
    server = RawServer(SERVE, folder, server_env())
    try:
        caps = {**CAPABILITIES, "textDocument": {**CAPABILITIES["textDocument"],
                                                 "documentSymbol": {"hierarchicalDocumentSymbolSupport": True}}}
        server.initialize(caps)
        uri = server.open(path, text)
        server.diagnostics(uri, WAIT)
        times: list[float] = []
        results = 0
        cpu = 0.0
        for i in range(rounds):
            if i == 1:
                cpu = server.cpu_seconds()
            with gc_paused():
                start = time.perf_counter()
                answer = server.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}}, WAIT)
                times.append((time.perf_counter() - start) * 1000)
            if "result" not in answer:
                raise RuntimeError(f"document symbols failed: {answer.get('error')}")
            results = max(results, len(answer["result"] or []))
        cpu = (server.cpu_seconds() - cpu) * 1000 / max(1, rounds - 1)
    finally:
        server.close()
    return times, results, cpu


def report(case: Case, rows: list[tuple[str, list[float], int]]) -> bool:
    """Print the figures; True when every goal that applies is met."""
    lines = case.text.count("\n") + 1
    print(f"\n{case.name}: {case.file}, {lines} lines")
    base = statistics.median(rows[0][1]) or 1e-9
    ok = True
    for label, times, results in rows:
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        goal = DEFINITION_GOAL_MS if label in ("definition", "references") else None
        if label == "document symbols":
            goal = SYMBOLS_GOAL_MS.get(case.size)
        verdict = "" if goal is None else f"  goal p95 ≤ {goal:.0f} ms: {'met' if p95 <= goal else 'MISSED'}"
        ok = ok and (goal is None or p95 <= goal)
        count = "" if label.startswith("baseline") or label == SERVER_CPU else f"  results={results}"
        print(f"  {label:38} p50={p50:8.2f} ms  p95={p95:8.2f} ms  ×baseline={p50 / base:6.1f}{count}{verdict}")
    return ok


def cases(tiny: bool) -> list[Case]:
    if tiny:
        return [Case("Microkit (tiny)", "tiny.system", build_system(pds=2, maps_per_pd=4, channels=2), "small"),
                Case("rule source (tiny)", ".driven/rules.md", build_rules(5), "small")]
    return [Case("Microkit, 10,000-line system", "large.system", build_system(), "large"),
            Case("Microkit, 1,000-line system", "medium.system", build_system(pds=10, maps_per_pd=60, channels=60),
                 "medium"),
            Case("rule source, 400 sections", ".driven/rules.md", build_rules(400), "medium")]


def run(argv: list[str] | None, doc: str, measure: Measure, report: Report) -> int:
    """A benchmark's command line: `--rounds N`, `--tiny`; each case measured in its own folder and server."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=60, help="requests per kind (default 60)")
    parser.add_argument("--tiny", action="store_true", help="tiny inputs, for the smoke test")
    args = parser.parse_args(argv)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="drvls-bench-") as tmp:
        for number, case in enumerate(cases(args.tiny)):
            folder = Path(tmp) / str(number)
            folder.mkdir()
            report(case, asyncio.run(measure(case, folder, args.rounds)))
    return 0


def main(argv: list[str] | None = None) -> int:
    return run(argv, __doc__ or "", measure, report)


if __name__ == "__main__":
    sys.exit(main())
