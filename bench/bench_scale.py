"""Microkit growth curves: full check and keystroke latency against file size, and check time against depth.

Run: `python bench/bench_scale.py [--quick] [--baseline REV]` from a git checkout. Prints, all measured
in this run on systems built like `bench_microkit.py`'s (PDs of 100 maps, as many as the size takes):

(a) full check from the CLI (`python -m drvls check FILE`, best of 3): wall time and peak RSS at 1k,
    10k, 20k and 100k lines and at the 16 MB size cap, with the fitted growth exponent (log-log
    slope) from 10k to 100k lines; goals: exponent ≤ 1.1, 20k lines ≤ 0.35 s, 100k lines ≤ 2 s and
    300 MB, 16 MB ≤ 5 s and 600 MB;
(b) keystroke to diagnostics through the real server (`drvls serve`, debounce 0): median and p95 at
    each size, with the server's CPU time per edit (steadier than wall time on a busy machine), for
    this tree and for the baseline revision REV (default: f7e141e), whose `server/`
    is exported with `git archive` into a temporary folder and run from there in the same run;
    goals: median ≤ 10 ms and p95 ≤ 20 ms at 10k lines, and 100k lines ≤ 1.5× the 10k figure;
(c) the in-process check of valid XML nested 1k, 10k and 100k levels deep, with the exponent.

`--quick` runs tiny sizes with few edits and no baseline (a smoke run; its figures mean nothing).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_microkit import build_system, child_env, keystroke_latencies, percentile95, run_measured  # noqa: E402

SIZES = (1_000, 10_000, 20_000, 100_000)
QUICK_SIZES = (1_500, 3_000)
CAP_BYTES = 16 * 1024 * 1024 - 4096
DEPTHS = (1_000, 10_000, 100_000)
QUICK_DEPTHS = (300, 600)
BASELINE = "f7e141e"


def system_of(lines: int) -> str:
    """A system of about `lines` lines built like `bench_microkit`'s 10,000-line one: PDs of 100 maps, ten
    channels per PD, more PDs for more lines, so an edited element costs the same at every size (past 63
    PDs the file gets the tool's one `too many protection domains` error)."""
    pds = max(1, round((lines - 240) / 163))
    return build_system(pds, 100, pds * 10)


def system_of_bytes(size: int) -> str:
    """The largest system built like `system_of` that stays under `size` bytes."""
    lines = size // 70
    text = system_of(lines)
    while len(text.encode()) > size:
        lines = lines * 95 // 100
        text = system_of(lines)
    return text


def exponent(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Least-squares slope of log y against log x."""
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sum((a - mx) ** 2 for a in lx)


def cli_check(path: Path, env: dict[str, str], repeats: int) -> tuple[float, float]:
    """Best wall seconds and peak RSS (MB) of `python -m drvls check FILE`."""
    best_wall, best_rss = float("inf"), float("inf")
    for _ in range(repeats):
        wall, rss, _ = run_measured([sys.executable, "-m", "drvls", "check", str(path)], env)
        best_wall, best_rss = min(best_wall, wall), min(best_rss, rss / 1024)
    return best_wall, best_rss


def export_baseline(rev: str, folder: Path) -> Path | None:
    """`server/` of `rev` unpacked under `folder` (git archive), or None when it cannot be had."""
    archive = folder / "baseline.tar"
    done = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(archive), rev, "server"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        print(f"    baseline {rev} not available: {done.stderr.strip()}")
        return None
    with tarfile.open(archive) as tar:
        tar.extractall(folder / "baseline", filter="data")
    return folder / "baseline" / "server"


def env_for(server: Path, folder: Path) -> dict[str, str]:
    env = child_env(folder)
    env["PYTHONPATH"] = str(server)
    return env


def full_checks(sizes: Sequence[int], folder: Path, repeats: int, cap: bool) -> dict[int, Path]:
    print(f"(a) full check from the CLI (best of {repeats}; wall clock, peak RSS)")
    env = child_env(folder)
    _, base_rss, _ = run_measured([sys.executable, "-c", "pass"], env)
    start_up = min(run_measured([sys.executable, "-c", "pass"], env)[0] for _ in range(repeats))
    print(f"    python start-up (baseline): {start_up * 1000:7.1f} ms, {base_rss / 1024:6.1f} MB")
    paths: dict[int, Path] = {}
    walls: dict[int, float] = {}
    for lines in sizes:
        path = folder / f"scale_{lines}.system"
        path.write_text(system_of(lines), encoding="utf-8")
        paths[lines] = path
        wall, rss = cli_check(path, env, repeats)
        walls[lines] = wall
        print(f"    {lines:>7} lines {path.stat().st_size / 1e6:6.2f} MB: {wall * 1000:8.1f} ms "
              f"({wall / start_up:5.1f}x start-up), {rss:6.1f} MB")
    if len(sizes) >= 2:
        big = [n for n in sizes if n >= 10_000] or list(sizes)
        slope = exponent(big, [walls[n] for n in big])
        print(f"    growth exponent {big[0]}..{big[-1]} lines: {slope:.2f} (goal ≤ 1.1: "
              f"{'OK' if slope <= 1.1 else 'OVER GOAL'})")
    if 20_000 in walls:
        print(f"    20k lines: {walls[20_000]:.3f} s (goal ≤ 0.35 s: {'OK' if walls[20_000] <= 0.35 else 'OVER GOAL'})")
    if 100_000 in walls:
        print(f"    100k lines: {walls[100_000]:.3f} s (goal ≤ 2 s)")
    if cap:
        path = folder / "cap.system"
        path.write_text(system_of_bytes(CAP_BYTES), encoding="utf-8")
        wall, rss = cli_check(path, env, 1)
        print(f"    size cap, {path.stat().st_size / 1e6:.2f} MB: {wall:.2f} s (goal ≤ 5 s), {rss:.0f} MB "
              f"(goal ≤ 600 MB)")
        path.unlink()
    return paths


def keystrokes(paths: dict[int, Path], folder: Path, edits: int, baseline: Path | None) -> None:
    print(f"(b) keystroke to diagnostics through the server ({edits} single-character edits, debounce 0)")
    sides = [("this tree", env_for(ROOT / "server", folder))]
    if baseline is not None:
        sides.append(("baseline", env_for(baseline, folder)))
    medians: dict[str, dict[int, float]] = {name: {} for name, _ in sides}
    for lines, path in paths.items():
        row = []
        for name, env in sides:
            result = asyncio.run(keystroke_latencies(path, env, edits))
            if isinstance(result, str):
                row.append(f"{name}: skipped ({result})")
                continue
            latencies, cpu = result
            median, p95 = statistics.median(latencies), percentile95(latencies)
            medians[name][lines] = median
            per_edit = f", server CPU {cpu / edits * 1000:6.1f} ms/edit" if cpu is not None else ""
            row.append(f"{name}: median {median:7.1f} ms, p95 {p95:7.1f} ms{per_edit}")
        print(f"    {lines:>7} lines  " + ";  ".join(row))
    ours = medians["this tree"]
    if 10_000 in ours:
        print(f"    10k lines median {ours[10_000]:.1f} ms (goal ≤ 10 ms)")
    if 10_000 in ours and 100_000 in ours:
        ratio = ours[100_000] / ours[10_000]
        print(f"    100k / 10k lines: {ratio:.2f}x (goal ≤ 1.5x: {'OK' if ratio <= 1.5 else 'OVER GOAL'})")
    if len(ours) >= 2:
        sizes = sorted(ours)
        print(f"    keystroke growth exponent {sizes[0]}..{sizes[-1]} lines: "
              f"{exponent(sizes, [ours[n] for n in sizes]):.2f}")
    base = medians.get("baseline", {})
    for lines in sorted(set(ours) & set(base)):
        print(f"    {lines:>7} lines: this tree {ours[lines] / base[lines]:.2f}x the baseline's median")


def depths(levels: Sequence[int]) -> None:
    from drvls.core.config import Settings
    from drvls.core.engine import check_source
    from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile
    from drvls.microkit.analyzer import ANALYZER

    print("(c) in-process check of valid XML nested deep")
    seconds = []
    for depth in levels:
        text = ('<system>\n    <memory_region name="m" size="0x1000" />\n    <protection_domain name="a">\n'
                '        <program_image path="a.elf" />\n        <map mr="m" vaddr="0x1000" />\n'
                '    </protection_domain>\n    ' + "<x>" * depth + "</x>" * depth + "\n</system>\n")
        source = SourceFile(path=Path("deep.system"), data=text.encode(), text=text)
        start = time.perf_counter()
        found = check_source(source, AnalysisContext(settings=Settings(), workspace=DiskWorkspace()), ANALYZER)
        seconds.append(time.perf_counter() - start)
        codes = sorted({d.code for d in found.diagnostics})
        print(f"    {depth:>7} levels: {seconds[-1] * 1000:8.1f} ms, diagnostics {codes}")
    print(f"    depth exponent: {exponent(levels, seconds):.2f} (1.0 is linear)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="tiny sizes, few edits, no baseline (a smoke run)")
    ap.add_argument("--baseline", default=BASELINE, help="git revision measured as the keystroke baseline")
    ap.add_argument("--edits", type=int, default=40)
    args = ap.parse_args(argv)
    quick = args.quick
    with tempfile.TemporaryDirectory(prefix="drvls-scale-") as tmp:
        folder = Path(tmp)
        paths = full_checks(QUICK_SIZES if quick else SIZES, folder, 1 if quick else 3, cap=not quick)
        baseline = None if quick else export_baseline(args.baseline, folder)
        keystrokes(paths, folder, 4 if quick else args.edits, baseline)
        depths(QUICK_DEPTHS if quick else DEPTHS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
