"""Benchmark of `.drv` reading against `json.loads` of the same rules (issue goals (a)–(e)).

    python bench/bench_drv.py [--rules 10000] [--big-mb 100]

Builds a rule file with `drvls.drv.encoder.encode` and the same rules as a JSON array of
objects with the same fields, then prints, from one run on this machine, the ratios:

  (a) open + structural validation        vs json.loads   goal >= 100x faster
  (b) digest check                         vs raw blake3   goal >= 0.80 of its throughput
  (c) open + validation + digest           vs json.loads   goal >= 20x faster
  (d) full iteration, every string a str   vs json.loads   goal >= 2x faster
  (e) open + validate a 100 MB file: RssAnon growth       goal < 1 MB

The pure-Python reference decoder (tests/drv_reference) is timed as a second baseline.
Every call is timed on its own, the same way for both sides of a ratio, in interleaved rounds;
the verdict uses the best calls, and the ratio of the median calls is printed next to it.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
try:
    import drvls  # noqa: F401
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT / "server"))

import blake3  # noqa: E402
from drvls.drv.encoder import encode  # noqa: E402
from drvls.drv.model import (  # noqa: E402
    Category,
    Context,
    Persona,
    Raw,
    Rule,
    RuleSet,
    SourceRef,
    Standard,
    Workflow,
    WorkflowStep,
)
from drvls.drv.reader import open_drv  # noqa: E402

WORDS = ("always", "validate", "input", "before", "parsing", "prefer", "explicit", "errors", "over", "panics",
         "keep", "functions", "short", "name", "modules", "for", "what", "they", "hold", "document", "public",
         "items", "test", "edge", "cases", "avoid", "global", "state", "log", "context", "retry", "network")


def sentence(i: int, n: int) -> str:
    return " ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(n)) + f" (#{i})"


def make_rules(count: int) -> RuleSet:
    """A mix like real rule files: mostly standards and raw text, some personas, contexts, workflows."""
    sources = [f"rules/part{k}.md" for k in range(8)]
    rules: list[Rule] = []
    for i in range(count):
        src = SourceRef(sources[i % len(sources)], i + 1)
        pick = i % 20
        if pick < 8:
            rules.append(Standard(Category(i % 11), i % 5, sentence(i, 10), f"src/**/*{i % 13}.rs" if i % 3 else None,
                                  source=src))
        elif pick < 12:
            rules.append(Raw(sentence(i, 40), source=src))
        elif pick < 15:
            rules.append(Persona(f"Persona {i}", sentence(i, 5), sentence(i + 1, 8), None,
                                 [sentence(i + k, 2) for k in range(3)], [sentence(i + k, 6) for k in range(2)],
                                 source=src))
        elif pick < 18:
            rules.append(Context([f"src/mod{i}/**"], [f"target/{i}"], [sentence(i, 4)], [(f"crate{i}", "1.0")],
                                 source=src))
        else:
            steps = [WorkflowStep(f"step {k}", sentence(i + k, 8), "tests fail" if k else None, [f"run {i}.{k}"])
                     for k in range(3)]
            rules.append(Workflow(f"Workflow {i}", steps, source=src))
    return RuleSet(rules=rules, sources=sources)


def as_json(ruleset: RuleSet) -> str:
    """The same rules as a JSON array of objects with the same fields."""
    out: list[dict[str, Any]] = []
    for rule in ruleset.rules:
        item: dict[str, Any] = {"kind": rule.kind.name.lower(), "source_file": rule.source.file,
                                "line": rule.source.line}
        if isinstance(rule, Persona):
            item.update(name=rule.name, role=rule.role, identity=rule.identity, style=rule.style,
                        traits=rule.traits, principles=rule.principles)
        elif isinstance(rule, Standard):
            item.update(category=int(rule.category), priority=rule.priority, description=rule.description,
                        pattern=rule.pattern)
        elif isinstance(rule, Context):
            item.update(includes=rule.includes, excludes=rule.excludes, focus=rule.focus,
                        dependencies=[list(d) for d in rule.dependencies])
        elif isinstance(rule, Workflow):
            item.update(name=rule.name, steps=[{"name": s.name, "description": s.description,
                                                "condition": s.condition, "actions": s.actions}
                                               for s in rule.steps])
        elif isinstance(rule, Raw):
            item.update(content=rule.content)
        out.append(item)
    return json.dumps(out, ensure_ascii=False)


def calibrate(fn: Callable[[], object], budget: float) -> int:
    """How many calls of `fn` take about `budget` seconds."""
    fn()
    start = time.perf_counter()
    fn()
    return max(1, int(budget / max(time.perf_counter() - start, 1e-7)))


@dataclass
class Timing:
    best: float  # seconds per call: the fastest call seen
    median: float  # seconds per call: the median call

    def ratio(self, other: Timing) -> tuple[float, float]:
        """How many times faster `self` is than `other`: by best calls, and by median calls."""
        return other.best / self.best, other.median / self.median


def per_call_times(fns: dict[str, Callable[[], object]], rounds: int = 25,
                   budget: float = 0.02) -> dict[str, Timing]:
    """Every call timed on its own, the same way for every function, in rounds that interleave
    the functions (a burst of load on a shared machine hits them alike). The best call is what
    the code costs when nothing disturbs it; the median shows how steady that is."""
    loops = {name: calibrate(fn, budget) for name, fn in fns.items()}
    samples: dict[str, list[float]] = {name: [] for name in fns}
    clock = time.perf_counter
    for _ in range(rounds):
        for name, fn in fns.items():
            out = samples[name]
            gc.disable()
            for _ in range(loops[name]):
                start = clock()
                fn()
                out.append(clock() - start)
            gc.enable()
    return {name: Timing(min(times), statistics.median(times)) for name, times in samples.items()}


def open_validate(path: Path) -> None:
    open_drv(path).close()


def open_validate_digest(path: Path) -> None:
    drv = open_drv(path)
    ok = drv.digest_ok()
    drv.close()
    assert ok


def touch_everything(path: Path) -> int:
    """Iterate every rule and create every string of it as a Python str."""
    count = 0
    with open_drv(path) as drv:
        for rule in drv.rules():
            kind = rule.kind
            count += len(rule.source_file or "")
            if kind == 1:
                values: tuple[Any, ...] = (rule.name, rule.role, rule.identity, rule.style, rule.traits,
                                           rule.principles)
            elif kind == 2:
                values = (rule.description, rule.pattern)
            elif kind == 3:
                values = (rule.includes, rule.excludes, rule.focus, rule.dependencies)
            elif kind == 4:
                values = (rule.name, rule.steps)
            else:
                values = (rule.content,)
            count += len(values)
    return count


def rss_anon_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    return -1


def big_file(path: Path, megabytes: int) -> int:
    """A rule file of about `megabytes` MB: large raw rules, plus many small standards."""
    chunk = sentence(1, 2000)
    n = max(1, megabytes * 1_000_000 // (len(chunk) + 40))
    rules: list[Rule] = [Raw(f"{i} {chunk}") for i in range(n)]
    data = encode(RuleSet(rules=rules))
    path.write_bytes(data)
    return len(data)


def load_reference() -> Any | None:
    path = ROOT / "tests" / "drv_reference" / "ref_decoder.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("drv_bench_ref_decoder", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rules", type=int, default=10_000)
    parser.add_argument("--big-mb", type=int, default=100)
    args = parser.parse_args()

    ruleset = make_rules(args.rules)
    data = encode(ruleset)
    text = as_json(ruleset)
    json_bytes = text.encode()
    failures = 0
    with tempfile.TemporaryDirectory(prefix="drv-bench-") as tmp:
        path = Path(tmp) / "rules.drv"
        path.write_bytes(data)
        print(f"{args.rules} rules: .drv {len(data) / 1e6:.2f} MB, JSON {len(json_bytes) / 1e6:.2f} MB")

        drv = open_drv(path)
        mapped = drv.buffer
        t = per_call_times({
            "json": lambda: json.loads(json_bytes),
            "open": lambda: open_validate(path),
            "digest": drv.digest_ok,
            "raw_mapped": lambda: blake3.blake3(mapped).digest(),
            "raw_bytes": lambda: blake3.blake3(data).digest(),
            "full": lambda: open_validate_digest(path),
            "iter": lambda: touch_everything(path),
        })
        drv.close()
        t["model"] = per_call_times({"model": lambda: open_drv(path).ruleset()}, rounds=3)["model"]
        reference = load_reference()
        if reference is not None:
            t["ref"] = per_call_times({"ref": lambda: reference.decode(data)}, rounds=3, budget=0.3)["ref"]

        print(f"{'per call, ms':36s} {'best':>9s} {'median':>9s}")
        for key, label in (("json", "json.loads"), ("open", "open + validate"),
                           ("digest", "digest check (3 slices of the mmap)"),
                           ("raw_mapped", "raw blake3 over the same mmap"),
                           ("raw_bytes", "raw blake3 over a bytes copy"),
                           ("full", "open + validate + digest"), ("iter", "iterate, every string as str"),
                           ("model", "decode into the rule model"), ("ref", "reference decoder (pure Python)")):
            if key in t:
                print(f"{label:36s} {t[key].best * 1e3:9.3f} {t[key].median * 1e3:9.3f}")
        print(f"\n{'goal (verdict on best calls)':44s} {'best':>9s} {'median':>9s}")
        goals = [
            ("(a) open+validate vs json.loads", t["open"].ratio(t["json"]), 100.0, "x"),
            ("(b) digest throughput vs raw blake3", t["digest"].ratio(t["raw_mapped"]), 0.80, ""),
            ("(c) open+validate+digest vs json.loads", t["full"].ratio(t["json"]), 20.0, "x"),
            ("(d) full iteration vs json.loads", t["iter"].ratio(t["json"]), 2.0, "x"),
        ]
        for label, (best, median), goal, unit in goals:
            ok = best >= goal
            failures += not ok
            print(f"{label:44s} {best:9.2f}{unit or ' '}{median:9.2f}{unit or ' '}  goal >= {goal:g}{unit}  "
                  f"{verdict(ok)}")
        info = [("    (decode into the model vs json.loads)", "model", "json")]
        if "ref" in t:
            info += [("    open+validate vs reference decoder", "open", "ref"),
                     ("    full iteration vs reference decoder", "iter", "ref")]
        for label, fast, slow in info:
            best, median = t[fast].ratio(t[slow])
            print(f"{label:44s} {best:9.2f}x{median:9.2f}x  (information)")

        big = Path(tmp) / "big.drv"
        size = big_file(big, args.big_mb)
        gc.collect()
        before = rss_anon_kb()
        drv = open_drv(big)
        after = rss_anon_kb()
        rules = drv.rule_count
        drv.close()
        grown = after - before
        ok = grown < 1024
        failures += not ok
        print(f"{'(e) RssAnon growth, open+validate':44s} {grown:6d} kB  goal < 1024 kB  {verdict(ok)}"
              f"  ({size / 1e6:.0f} MB file, {rules} rules)")
    print(f"\n{'all goals met' if not failures else f'{failures} goal(s) missed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
