"""Cold start: `drvls check one.system` of a small file against the interpreter's own start-up.

Run: `python bench/bench_startup.py [--rounds N] [--baseline REV]` from a git checkout. Each round
runs `python -c pass`, then `python -m drvls check FILE` (a 40-line system, its bytecode cached as an
installed package has it) and, with `--baseline`, the same check with `server/` of revision REV
(exported with `git archive`), alternating so a burst of load on a shared machine falls on all of
them. Printed, all measured in this run: best and median wall time and CPU time (user + system of
the child) of each, and the ratio to `python -c pass`; goal: `drvls check` ≤ 4x the start-up
(median wall clock; the CPU ratio is the figure a busy machine does not blur).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_microkit import build_system, child_env  # noqa: E402
from bench_scale import env_for, export_baseline  # noqa: E402

GOAL_RATIO = 4.0


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one run of `cmd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--rounds", type=int, default=40, help="runs of each command (default 40)")
    ap.add_argument("--baseline", default=None, help="git revision whose `server/` is measured as well")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="drvls-startup-") as tmp:
        folder = Path(tmp)
        path = folder / "one.system"
        text = build_system(pds=2, maps_per_pd=4, channels=2)
        path.write_text(text, encoding="utf-8")
        check = [sys.executable, "-m", "drvls", "check", str(path)]
        sides = {"python -c pass": ([sys.executable, "-c", "pass"], child_env(folder)),
                 "drvls check one.system": (check, child_env(folder))}
        if args.baseline is not None:
            server = export_baseline(args.baseline, folder)
            if server is not None:
                sides[f"drvls check one.system ({args.baseline})"] = (check, env_for(server, folder))
        for cmd, env in sides.values():  # compile and cache the bytecode once, outside the figures
            run_once(cmd, env)
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
        for _ in range(args.rounds):
            for name, (cmd, env) in sides.items():
                runs[name].append(run_once(cmd, env))
    lines = text.count("\n")
    print(f"cold start, {lines}-line system, {args.rounds} rounds (wall clock, then CPU time of the child)")
    base = runs["python -c pass"]
    base_wall = statistics.median(w for w, _ in base)
    base_cpu = statistics.median(c for _, c in base)
    for name, times in runs.items():
        walls, cpus = [w for w, _ in times], [c for _, c in times]
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        print(f"    {name:40} best {min(walls) * 1000:7.1f} ms  median {wall * 1000:7.1f} ms"
              f"  CPU best {min(cpus) * 1000:7.1f} ms  median {cpu * 1000:7.1f} ms"
              f"  ({wall / base_wall:4.2f}x start-up, CPU {cpu / base_cpu:4.2f}x)")
    ours = runs["drvls check one.system"]
    ratio = statistics.median(w for w, _ in ours) / base_wall
    cpu_ratio = statistics.median(c for _, c in ours) / base_cpu
    print(f"    drvls check: {ratio:.2f}x python start-up, CPU {cpu_ratio:.2f}x (goal ≤ {GOAL_RATIO:.0f}x: "
          f"{'OK' if ratio <= GOAL_RATIO else 'OVER GOAL'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
