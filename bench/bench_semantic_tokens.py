"""Semantic tokens for CAmkES through the real language server: full, full/delta after an edit, range.

Run: `python bench/bench_semantic_tokens.py [--rounds N] [--tiny]` from the repository root. Inputs: a
generated CAmkES app of about 4,000 lines (components with interfaces and attributes, an assembly
instantiating and connecting them), and the largest CAmkES file of the shared corpus when it is
beside the repository. Each is opened in a real `drvls serve` over stdio (pull diagnostics, debounce
0); once analysed, `full` is asked for the unchanged file, `full/delta` after each one-character edit
(the time includes analysing the edit, as an editor sees it), and `range` for a 60-line window.

Printed, all measured in this run: p50/p95 in ms per request kind, the number of tokens, and the ratio
to the baseline: an unchanged `textDocument/diagnostic` pull of the same document, the protocol's
round trip with no work. Then, in this process, the tokens of the parsed tree against the baseline of
parsing the same text from scratch with the same grammar. Goal: full p95 ≤ 150 ms on the generated app.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_navigation import WAIT, open_analysed, percentile, start_server, timed  # noqa: E402

GOALS_MS = {"full": 150.0}
CORPUS = ROOT.parent / "shared" / "corpus" / "camkes"


def build_app(components: int) -> str:
    """A CAmkES app: `components` component types (each ≈ 12 lines) and an assembly using each twice."""
    out = ["/* A generated app for the semantic-token benchmark. */", "",
           "procedure Echo {", "    int echo(in int value, out string reply);", "    void reset(void);", "};", ""]
    for n in range(components):
        out += [f"component Part{n} {{", "    control;", f"    provides Echo in{n};", f"    uses Echo out{n};",
                f"    emits Tick tick{n};", f"    consumes Tick tock{n};", f"    dataport Buf(4096) shared{n};",
                f"    attribute int rate{n} = {n * 10};", f'    attribute string label{n} = "part {n}";',
                "    // one line comment", "}", ""]
    out += ["assembly {", "    composition {"]
    for n in range(components):
        out += [f"        component Part{n} a{n};", f"        component Part{n} b{n};"]
    for n in range(components):
        out.append(f"        connection seL4RPCCall echo{n}(from a{n}.out{n}, to b{n}.in{n});")
    out += ["    }", "    configuration {"]
    out += [f"        a{n}.rate{n} = {n};" for n in range(components)]
    out += ["    }", "}", ""]
    return "\n".join(out)


@dataclass
class Case:
    name: str
    file: str
    text: str
    goals: bool


def largest_corpus_file() -> Case | None:
    found = CORPUS.rglob("*") if CORPUS.is_dir() else iter(())
    files = [p for p in found if p.suffix in (".camkes", ".idl4") and p.is_file()]
    if not files:
        return None
    biggest = max(files, key=lambda p: p.stat().st_size)
    return Case(f"largest corpus file ({biggest.name})", biggest.name, biggest.read_text(encoding="utf-8"), False)


def cases(tiny: bool) -> list[Case]:
    if tiny:
        return [Case("generated app (tiny)", "tiny.camkes", build_app(3), False)]
    out = [Case("generated app, ≈4,000 lines", "large.camkes", build_app(250), True)]
    corpus = largest_corpus_file()
    return [*out, corpus] if corpus is not None else out


def count(result: object) -> int:
    data = getattr(result, "data", None)
    if data is not None:
        return len(data) // 5
    edits = getattr(result, "edits", None)
    return sum(len(e.data or []) for e in edits or []) // 5


async def measure(case: Case, folder: Path, rounds: int) -> list[tuple[str, list[float], int]]:
    path = folder / case.file
    path.write_text(case.text, encoding="utf-8")
    client = await start_server("bench-semantic-tokens")
    try:
        caps = types.ClientCapabilities(text_document=types.TextDocumentClientCapabilities(
            diagnostic=types.DiagnosticClientCapabilities()))
        doc, result_id = await open_analysed(client, caps, folder, path, case.text)
        uri = doc.uri
        baseline = await timed(rounds, lambda i: client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=doc, previous_result_id=result_id)))

        async def full_once(i: int) -> list[int]:
            found = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(text_document=doc))
            return list(found.data) if found is not None else []

        full = await timed(rounds, full_once)
        previous = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(text_document=doc))
        state = {"id": previous.result_id if previous is not None else "", "version": 1}
        lines = case.text.split("\n")
        comment_lines = [n for n, row in enumerate(lines) if row.strip() == "// one line comment"] or [0]

        async def delta_once(i: int) -> object:
            line = comment_lines[i % len(comment_lines)]
            state["version"] += 1
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=state["version"]),
                content_changes=[types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line=line, character=4),
                                      end=types.Position(line=line, character=4)), text="x")]))
            found = await client.text_document_semantic_tokens_full_delta_async(types.SemanticTokensDeltaParams(
                text_document=doc, previous_result_id=str(state["id"])))
            state["id"] = getattr(found, "result_id", "") or ""
            return [found]

        delta = await timed(rounds, delta_once)
        middle = len(lines) // 2
        window = types.Range(start=types.Position(line=middle, character=0),
                             end=types.Position(line=middle + 60, character=0))

        async def range_once(i: int) -> list[int]:
            found = await client.text_document_semantic_tokens_range_async(
                types.SemanticTokensRangeParams(text_document=doc, range=window))
            return list(found.data) if found is not None else []

        ranged = await timed(rounds, range_once)
        await asyncio.wait_for(client.shutdown_async(None), WAIT)
        client.exit(None)
    finally:
        await client.stop()
    return [("baseline (unchanged diagnostic pull)", baseline[0], 0), ("full", full[0], full[1] // 5),
            ("delta after an edit", delta[0], 0), ("range (60 lines)", ranged[0], ranged[1] // 5)]


def report(case: Case, rows: list[tuple[str, list[float], int]]) -> bool:
    """Print the figures; True when every goal that applies is met."""
    print(f"\n{case.name}: {case.file}, {case.text.count(chr(10)) + 1} lines")
    base = statistics.median(rows[0][1]) or 1e-9
    ok = True
    for label, times, tokens in rows:
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        goal = GOALS_MS.get(label) if case.goals else None
        verdict = "" if goal is None else f"  goal p95 ≤ {goal:.0f} ms: {'met' if p95 <= goal else 'MISSED'}"
        ok = ok and (goal is None or p95 <= goal)
        shown = f"  tokens={tokens}" if tokens else ""
        print(f"  {label:38} p50={p50:8.2f} ms  p95={p95:8.2f} ms  ×baseline={p50 / base:6.1f}{shown}{verdict}")
    return ok


def in_process(case: Case, rounds: int) -> None:
    """Tokens of an analysed snapshot against parsing the same text: what the query and flattening cost."""
    from drvls.camkes import grammar
    from drvls.camkes.semantic_tokens import tokens_of_tree

    data = case.text.encode("utf-8")
    tree = grammar.parse(data)
    tokens_of_tree(tree, case.text)  # compiles the highlight query, once per thread
    parse, tokens = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        grammar.parse(data)
        middle = time.perf_counter()
        found = tokens_of_tree(tree, case.text)
        parse.append((middle - start) * 1000)
        tokens.append((time.perf_counter() - middle) * 1000)
    base = statistics.median(parse) or 1e-9
    print(f"  {'in process: parse (baseline)':38} p50={base:8.2f} ms")
    print(f"  {'in process: tokens of the tree':38} p50={statistics.median(tokens):8.2f} ms  "
          f"×parse={statistics.median(tokens) / base:6.1f}  tokens={len(found)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="requests per kind (default 30)")
    parser.add_argument("--tiny", action="store_true", help="a tiny input, for the smoke test")
    args = parser.parse_args(argv)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="drvls-bench-tokens-") as tmp:
        for number, case in enumerate(cases(args.tiny)):
            folder = Path(tmp) / str(number)
            folder.mkdir()
            report(case, asyncio.run(measure(case, folder, args.rounds)))
            in_process(case, max(3, args.rounds // 4))
    return 0


if __name__ == "__main__":
    sys.exit(main())
