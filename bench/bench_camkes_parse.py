"""Benchmark the CAmkES tree-sitter grammar: corpus throughput and incremental re-parse latency.

Why: editors re-parse on every keystroke, so the number that matters is the time of an
incremental re-parse after a one-character edit (goal: at most 5 ms in the largest corpus
file); the full-parse throughput bounds the cost of opening or indexing a whole app.

Run: python bench/bench_camkes_parse.py [--rounds N] [--edits N] [--corpus DIR]
Output: one `key=value` line per figure (times in ms, throughput in MB/s).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import tree_sitter_camkes
from tree_sitter import Language, Parser, Point, Tree

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "camkes"


def corpus_sources(root: Path) -> list[tuple[Path, bytes]]:
    """Every `.camkes`/`.idl4` file below `root`, read once so disk time is not measured."""
    paths = sorted(p for p in root.rglob("*") if p.suffix in {".camkes", ".idl4"} and p.is_file())
    return [(p, p.read_bytes()) for p in paths]


def point_at(source: bytes, offset: int) -> Point:
    """Row/column (bytes) of a byte offset, as tree-sitter's edit API wants."""
    row = source.count(b"\n", 0, offset)
    return Point(row, offset - (source.rfind(b"\n", 0, offset) + 1))


def throughput(parser: Parser, sources: list[bytes], rounds: int) -> tuple[float, float]:
    """Best-of-rounds MB/s for parsing every source from scratch, and that round's seconds."""
    total = sum(len(s) for s in sources)
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for src in sources:
            parser.parse(src)
        best = min(best, time.perf_counter() - start)
    return total / best / 1e6, best


def one_char_edits(source: bytes, count: int, seed: int) -> list[int]:
    """Offsets inside identifiers/numbers where inserting one character keeps the file sensible."""
    rng = random.Random(seed)
    candidates = [i for i in range(1, len(source)) if chr(source[i - 1]).isalnum() and chr(source[i]).isalnum()]
    return sorted(rng.sample(candidates, min(count, len(candidates))))


def incremental(parser: Parser, source: bytes, offsets: list[int]) -> tuple[list[float], list[float]]:
    """Per edit: time to re-parse with the edited old tree, and time of a full parse of the same text."""
    incremental_ms: list[float] = []
    full_ms: list[float] = []
    for offset in offsets:
        old_tree: Tree = parser.parse(source)
        edited = source[:offset] + b"x" + source[offset:]
        at = point_at(source, offset)
        old_tree.edit(
            start_byte=offset,
            old_end_byte=offset,
            new_end_byte=offset + 1,
            start_point=at,
            old_end_point=at,
            new_end_point=Point(at.row, at.column + 1),
        )
        start = time.perf_counter()
        new_tree = parser.parse(edited, old_tree)
        incremental_ms.append((time.perf_counter() - start) * 1e3)
        start = time.perf_counter()
        fresh = parser.parse(edited)
        full_ms.append((time.perf_counter() - start) * 1e3)
        if new_tree.root_node.end_byte != fresh.root_node.end_byte:
            raise SystemExit("incremental and full parse disagree")
    return incremental_ms, full_ms


def p95(values: list[float]) -> float:
    """95th percentile (nearest rank), enough for a latency budget."""
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def main(argv: list[str] | None = None) -> int:
    """Measure and print the figures; exits 2 when the corpus is not beside the repository."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder with .camkes/.idl4 files")
    ap.add_argument("--rounds", type=int, default=10, help="full-corpus parse rounds (best is kept)")
    ap.add_argument("--edits", type=int, default=100, help="one-character edits in the largest file (>= 50)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    files = corpus_sources(args.corpus)
    if not files:
        print(f"error=no .camkes/.idl4 files under {args.corpus}", file=sys.stderr)
        return 2
    parser = Parser(Language(tree_sitter_camkes.language()))
    sources = [src for _, src in files]
    mbps, seconds = throughput(parser, sources, args.rounds)
    errors = sum(parser.parse(src).root_node.has_error for src in sources)

    largest_path, largest = max(files, key=lambda item: len(item[1]))
    offsets = one_char_edits(largest, max(50, args.edits), args.seed)
    inc, full = incremental(parser, largest, offsets)

    print(f"corpus_files={len(files)}")
    print(f"corpus_bytes={sum(len(s) for s in sources)}")
    print(f"corpus_files_with_errors={errors}")
    print(f"full_parse_corpus_s={seconds:.4f}")
    print(f"throughput_mb_s={mbps:.2f}")
    print(f"largest_file={largest_path.relative_to(args.corpus)}")
    print(f"largest_file_bytes={len(largest)}")
    print(f"edits={len(offsets)}")
    print(f"incremental_ms_median={statistics.median(inc):.3f}")
    print(f"incremental_ms_p95={p95(inc):.3f}")
    print(f"full_reparse_ms_median={statistics.median(full):.3f}")
    print(f"full_reparse_ms_p95={p95(full):.3f}")
    print(f"speedup_median={statistics.median(full) / statistics.median(inc):.1f}")
    print(f"goal_incremental_p95_le_5ms={'yes' if p95(inc) <= 5.0 else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
