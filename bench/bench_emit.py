"""Benchmark of `drvls emit`: a 10,000-rule set with 100 distinct scopes to every target (goal ≤ 1 s).

    python bench/bench_emit.py [--rules 10000] [--scopes 100] [--rounds 5]

Prints, from one run on this machine:

  emit (plan)      every target's files built in memory, as `drvls emit` builds them
  emit (write)     the same written to an empty folder through the atomic writer (`apply`)
  emit --check     the same compared with the files on disk
  baseline         `drvls decompile` of the same rules (one Markdown text of every rule), the
                   text any emitter has to produce at least once; the ratios are against it

The verdict uses the best round of each. Goal: building every target's files (emit (plan), what
`drvls emit` computes) ≤ 1 s. The write is reported beside it: it syncs each of the ~540 files to
disk (`core/atomic.py`), so its time is mostly the disk's, and varies with the machine's load.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
try:
    import drvls  # noqa: F401
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT / "server"))

from drvls.drv.emit.apply import apply  # noqa: E402
from drvls.drv.emit.plan import Source, plan_emit  # noqa: E402
from drvls.drv.emit.targets import TARGETS  # noqa: E402
from drvls.drv.model import (  # noqa: E402
    Activation,
    Category,
    Context,
    Persona,
    Raw,
    Rule,
    RuleSet,
    Scope,
    SourceRef,
    Standard,
    Workflow,
    WorkflowStep,
)
from drvls.drv.sources.canonical import render  # noqa: E402

GOAL_SECONDS = 1.0
WORDS = ("always", "validate", "input", "before", "parsing", "prefer", "explicit", "errors", "over", "panics",
         "keep", "functions", "short", "name", "modules", "for", "what", "they", "hold", "document")


def sentence(i: int, n: int = 8) -> str:
    return " ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(n)) + f" (#{i})"


def make_scopes(count: int) -> list[Scope | None]:
    """`count` scopes of every activation, plus None (unscoped) for a share of the rules."""
    activations = list(Activation)
    scopes: list[Scope | None] = [None]
    for i in range(count):
        activation = activations[i % len(activations)]
        globs = (f"src/area{i}/**/*.py", f"tests/area{i}/**") if activation is Activation.FILES else ()
        description = f"Rules for area {i}" if activation is not Activation.MANUAL else None
        scopes.append(Scope(f"area-{i}", activation, globs, description))
    return scopes


def make_rule(i: int, scope: Scope | None) -> Rule:
    source = SourceRef(f"rules/area{i % 50}.md", i + 1)
    kind = i % 20
    if kind == 0:
        return Persona(f"Reviewer {i}", sentence(i), None, "terse", [sentence(i + 1, 3)], [sentence(i + 2, 4)],
                       source=source, scope=scope)
    if kind == 1:
        return Context([f"src/area{i}/**"], ["target/**"], [sentence(i, 3)], [("serde", "1.0")], source=source,
                       scope=scope)
    if kind == 2:
        steps = [WorkflowStep(f"Step {k}", sentence(i + k, 5), None, [sentence(i, 2)]) for k in range(3)]
        return Workflow(f"Flow {i}", steps, source=source, scope=scope)
    if kind == 3:
        return Raw(f"## Notes {i}\n{sentence(i, 12)}\n{sentence(i + 1, 12)}", source=source, scope=scope)
    return Standard(Category(i % 11), i % 256, sentence(i), None, source=source, scope=scope)


def make_ruleset(rules: int, scopes: int) -> RuleSet:
    pool = make_scopes(scopes)
    return RuleSet(rules=[make_rule(i, pool[(i * 31) % len(pool)]) for i in range(rules)],
                   sources=[f"rules/area{k}.md" for k in range(50)])


def best_of(rounds: int, run: Callable[[], object], setup: Callable[[], None] | None = None) -> list[float]:
    times = []
    for _ in range(rounds):
        if setup is not None:
            setup()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rules", type=int, default=10_000)
    parser.add_argument("--scopes", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    ruleset = make_ruleset(args.rules, args.scopes)
    source = Source("rules.drv", "0" * 64)
    targets = list(TARGETS)
    distinct = len(ruleset.scopes())
    folder = Path(tempfile.mkdtemp(prefix="bench-emit-"))
    out = folder / "out"

    def fresh() -> None:
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()

    try:
        baseline = best_of(args.rounds, lambda: render(ruleset))
        planned = best_of(args.rounds, lambda: plan_emit(ruleset, source, targets))
        written = best_of(args.rounds, lambda: apply(out, ruleset, source, targets), setup=fresh)
        checked = best_of(args.rounds, lambda: apply(out, ruleset, source, targets, check=True))
        files = len(plan_emit(ruleset, source, targets).files)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    base = min(baseline)
    print(f"{args.rules} rules, {distinct} distinct scopes, {len(targets)} targets, {files} files; "
          f"best of {args.rounds} rounds (median in brackets)")
    print(f"  baseline (decompile)  {base * 1000:8.1f} ms  [{statistics.median(baseline) * 1000:.1f}]")
    for label, times in (("emit (plan)", planned), ("emit (write)", written), ("emit --check", checked)):
        best = min(times)
        print(f"  {label:<20}  {best * 1000:8.1f} ms  [{statistics.median(times) * 1000:.1f}]  "
              f"{best / base:5.2f}x the baseline")
    verdict = min(planned) <= GOAL_SECONDS
    print(f"goal: emit (plan) to every target <= {GOAL_SECONDS:.1f} s: {'met' if verdict else 'MISSED'} "
          f"(with every file written and synced: {min(written):.2f} s)")
    return 0 if verdict or args.rules != 10_000 else 1


if __name__ == "__main__":
    raise SystemExit(main())
