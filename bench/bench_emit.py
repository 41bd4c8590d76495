"""Benchmark of `drvls emit`: a 10,000-rule set with 100 distinct scopes to every target (goal ≤ 1 s).

    python bench/bench_emit.py [--rules 10000] [--scopes 100] [--rounds 5]

Prints, from one run on this machine:

  emit (plan)      every target's files built in memory, as `drvls emit` builds them
  emit (write)     the same written to an empty folder through the atomic writer (`apply`)
  emit --check     the same compared with the files on disk
  write, batched   only the writing of emit (write): every temp file written, then synced, then
                   renamed, then each folder synced once (`core.atomic.atomic_write_all`)
  write, per file  the same files written one atomic write at a time on as many threads (each file
                   created, synced, renamed, its folder synced), as `drvls emit` wrote them before
                   its writes were batched; the three writes take turns round by round
  baseline         `drvls decompile` of the same rules (one Markdown text of every rule), the
                   text any emitter has to produce at least once; the ratios are against it

Each row also gives the median CPU time (user + system, every thread's): the writes' share of it
is the file system's work, and it varies much less with the machine's load than the wall clock.
The verdict uses the best round of each. Goal: building every target's files (emit (plan), what
`drvls emit` computes) ≤ 1 s. The write is reported beside it: it creates and syncs each of the
~540 files (`core/atomic.py`), so its time is mostly the disk's, and varies with the machine's load;
the per-file writer, measured under the same load, is its yardstick.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
try:
    import drvls  # noqa: F401
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT / "server"))

from drvls.core.atomic import atomic_write_all, atomic_write_bytes  # noqa: E402
from drvls.drv.emit.apply import WRITE_THREADS, apply  # noqa: E402
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
LABELS = ("baseline (decompile)", "emit (plan)", "emit (write)", "emit --check", "write, batched", "write, per file")
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


def best_of(rounds: int, run: Callable[[], object], setup: Callable[[], None] | None = None,
            cpu: list[float] | None = None) -> list[float]:
    """Wall-clock seconds of each round; with `cpu`, each round's CPU seconds are added to it."""
    times = []
    for _ in range(rounds):
        if setup is not None:
            setup()
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        times.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(time.process_time() - start_cpu)  # every thread's user + system time
    return times


def alternate(rounds: int, runs: list[Callable[[], object]], setup: Callable[[], None],
              cpu: list[list[float]]) -> list[list[float]]:
    """Each run's times (and CPU times, into `cpu`), the runs taking turns round by round so that
    they share the machine's load."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(rounds):
        for run, out, used in zip(runs, times, cpu, strict=True):
            out.extend(best_of(1, run, setup, used))
    return times


def make_folders(files: list[tuple[Path, bytes]]) -> None:
    for folder in sorted({path.parent for path, _data in files}):
        folder.mkdir(parents=True, exist_ok=True)


def write_batched(files: list[tuple[Path, bytes]]) -> None:
    make_folders(files)
    atomic_write_all(files, threads=WRITE_THREADS)


def write_per_file(files: list[tuple[Path, bytes]]) -> None:
    """The writer `drvls emit` used before batching: one complete atomic write per file."""
    make_folders(files)
    with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
        list(pool.map(lambda job: atomic_write_bytes(*job), files))


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

    cpu: dict[str, list[float]] = {label: [] for label in LABELS}
    try:
        baseline = best_of(args.rounds, lambda: render(ruleset), cpu=cpu["baseline (decompile)"])
        planned = best_of(args.rounds, lambda: plan_emit(ruleset, source, targets), cpu=cpu["emit (plan)"])
        plan = plan_emit(ruleset, source, targets)
        jobs = [(out / g.path, g.data) for g in plan.files]
        written, batched, per_file = alternate(args.rounds, [
            lambda: apply(out, ruleset, source, targets), lambda: write_batched(jobs), lambda: write_per_file(jobs)],
            setup=fresh, cpu=[cpu["emit (write)"], cpu["write, batched"], cpu["write, per file"]])
        apply(out, ruleset, source, targets)
        checked = best_of(args.rounds, lambda: apply(out, ruleset, source, targets, check=True),
                          cpu=cpu["emit --check"])
        files = len(plan.files)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    base = min(baseline)
    print(f"{args.rules} rules, {distinct} distinct scopes, {len(targets)} targets, {files} files; "
          f"best of {args.rounds} rounds (median in brackets; cpu: the process's user + system time, "
          "every thread's, median)")
    rows = (("baseline (decompile)", baseline), ("emit (plan)", planned), ("emit (write)", written),
            ("emit --check", checked), ("write, batched", batched), ("write, per file", per_file))
    for label, times in rows:
        best = min(times)
        print(f"  {label:<20}  {best * 1000:8.1f} ms  [{statistics.median(times) * 1000:.1f}]  "
              f"{best / base:5.2f}x the baseline  cpu {statistics.median(cpu[label]) * 1000:6.0f} ms")
    verdict = min(planned) <= GOAL_SECONDS
    print(f"goal: emit (plan) to every target <= {GOAL_SECONDS:.1f} s: {'met' if verdict else 'MISSED'} "
          f"(with every file written and synced: {min(written):.2f} s "
          f"({'within' if min(written) <= GOAL_SECONDS else 'OVER'} the goal), "
          f"the writing alone {min(batched) / min(per_file):.2f}x the per-file writer's)")
    return 0 if verdict or args.rules != 10_000 else 1


if __name__ == "__main__":
    raise SystemExit(main())
