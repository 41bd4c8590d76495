"""Formatting speed: the 10,000-line system and the largest CAmkES corpus file.

Run: `python bench/bench_format.py [--quick]` from the repository root. Prints, measured in this
run, `drvls.microkit.format` on the generated system against a baseline of `xml.dom.minidom`
parsing the same text (a formatter must at least parse), with the goal of 200 ms; `--quick` uses
a 3-PD system (the suite's smoke test).
"""

from __future__ import annotations

import argparse
import sys
import time
import xml.dom.minidom
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT / "server", ROOT / "bench"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from bench_microkit import build_system  # noqa: E402

GOAL_MS = 200.0


def best(fn: Callable[[], object], repeat: int = 5) -> float:
    """Least CPU time over `repeat` runs, in ms (steady on a busy machine)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 3-PD system: the smoke test's size")
    args = parser.parse_args()
    from drvls.microkit.format import format_system

    text = build_system(3, 20, 6) if args.quick else build_system()
    ugly = text.replace("    ", "  ").replace(" />", "/>")
    formatted = format_system(ugly)
    assert formatted == text, "the formatter does not restore the generated file"
    fmt = best(lambda: format_system(ugly))
    dom = best(lambda: xml.dom.minidom.parseString(ugly))
    print(f"system: {text.count(chr(10))} lines, {len(text.encode())} bytes (re-indented to 2 spaces)")
    print(f"    xml.dom.minidom parse (baseline)  {dom:8.1f} ms CPU")
    print(f"    drvls format                      {fmt:8.1f} ms CPU  ({fmt / dom:.2f}x baseline; "
          f"{fmt / GOAL_MS:.2f}x the {GOAL_MS:.0f} ms goal: {'OK' if fmt <= GOAL_MS else 'OVER GOAL'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
