"""Hover speed through the real language server, on the 10,000-line system and a large rule source.

Run: `python bench/bench_hover.py [--rounds N] [--tiny]` from the repository root. The inputs are the
navigation benchmark's (`bench_navigation.py`): each is opened in a real `drvls serve` over stdio
(pull diagnostics, debounce 0) and, once analysed, hover is asked at positions spread over the
file, per kind of name: in a `.system`, region references (`map@mr`: a region's maps), PD names
(priority, maps, channel ids), channel ends (the peer) and program images (the search for the ELF);
in a rule source, headings and rules.

Printed, all measured in this run: p50/p95 in ms per kind, how many hovers answered (so an empty
answer is visible instead of a fast nothing), and the ratio to the baseline: an unchanged
`textDocument/diagnostic` pull of the same document, the protocol's round trip with no work.
Goal: hover p95 ≤ 20 ms.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_navigation import WAIT, Case, Rows, close_session, open_session, percentile, positions, run, timed  # noqa: E402

HOVER_GOAL_MS = 20.0
# Per input kind: (label, pattern whose first group is hovered).
PATTERNS = {
    ".system": [("hover region reference", r'<map mr="(\w+)"'),
                ("hover protection domain", r'<protection_domain name="(\w+)"'),
                ("hover channel end", r'<end pd="(\w+)"'),
                ("hover program image", r'<program_image path="([\w.]+)"')],
    ".md": [("hover heading", r"\n## (Area \d+)"), ("hover rule", r"\n- (Rule [\d.]+)")],
}


async def hovers(client: LanguageClient, doc: types.TextDocumentIdentifier, where: list[types.Position],
                 rounds: int) -> tuple[list[float], int]:
    times: list[float] = []
    answered = 0
    for i in range(rounds):
        start = time.perf_counter()
        found = await asyncio.wait_for(client.text_document_hover_async(
            types.HoverParams(text_document=doc, position=where[i % len(where)])), WAIT)
        times.append((time.perf_counter() - start) * 1000)
        answered += found is not None
    return times, answered


async def measure(case: Case, folder: Path, rounds: int) -> Rows:
    caps = types.ClientCapabilities(text_document=types.TextDocumentClientCapabilities(
        diagnostic=types.DiagnosticClientCapabilities(),
        hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown])))
    client, doc, result_id = await open_session(case, folder, "bench-hover", caps)
    try:
        baseline, _ = await timed(rounds, lambda i: client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=doc, previous_result_id=result_id)))
        rows: Rows = [("baseline (unchanged diagnostic pull)", baseline, rounds)]
        for label, pattern in PATTERNS[Path(case.file).suffix]:
            rows.append((label, *await hovers(client, doc, positions(case.text, pattern, rounds), rounds)))
    finally:
        await close_session(client)
    return rows


def report(case: Case, rows: Rows) -> bool:
    """Print the figures; True when every hover kind meets the goal."""
    print(f"\n{case.name}: {case.file}, {case.text.count(chr(10)) + 1} lines")
    base = statistics.median(rows[0][1]) or 1e-9
    ok = True
    for label, times, answered in rows:
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        verdict = ""
        if not label.startswith("baseline"):
            met = p95 <= HOVER_GOAL_MS
            ok = ok and met
            verdict = f"  answered={answered}/{len(times)}  goal p95 ≤ {HOVER_GOAL_MS:.0f} ms: " \
                      f"{'met' if met else 'MISSED'}"
        print(f"  {label:38} p50={p50:8.2f} ms  p95={p95:8.2f} ms  ×baseline={p50 / base:6.1f}{verdict}")
    return ok


def main(argv: list[str] | None = None) -> int:
    return run(argv, __doc__ or "", measure, report)


if __name__ == "__main__":
    sys.exit(main())
