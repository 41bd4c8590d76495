"""Benchmark of the signing post-check and of verification, against baselines from the same run.

    python bench/bench_signing.py [--files 200] [--big-mb 32]

Why: the post-check runs for every analysed file, in the editor on every keystroke, so it must
cost next to nothing for unsigned files and little for signed ones; verifying a large file should
cost about what hashing it does. Printed figures (best of several repeats):

  (a) post-check on unsigned files (show_state on)  vs the same files' full analysis
  (b) post-check on signed files (show_state on)    vs the same files' full analysis
  (c) post-check, --require-signatures, signed      vs the same files' full analysis
  (d) verify a big detached-signed file             vs raw BLAKE3 of its bytes
  (e) verify a big embedded-signed `.drv`           vs raw BLAKE3 of its bytes
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

import blake3
from drvls.core.config import load_settings
from drvls.core.engine import check_source
from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile, analyzer_for
from drvls.drv.encoder import encode
from drvls.drv.model import Category, Raw, RuleSet, Standard
from drvls.signing.keys import load_private_key, write_key_pair
from drvls.signing.post_check import post_check
from drvls.signing.sign import sign_path
from drvls.signing.trust import build_store
from drvls.signing.verify import verify_bytes

SYSTEM = """<?xml version="1.0" encoding="UTF-8"?>
<system>
  <memory_region name="uart" size="0x1000" phys_addr="0x9000000" />
{regions}
  <protection_domain name="serial" priority="254">
    <program_image path="serial.elf" />
    <map mr="uart" vaddr="0x2000000" perms="rw" cached="false" />
  </protection_domain>
</system>
"""


def best_seconds(fn: Callable[[], object], repeats: int = 5) -> float:
    """Best-of-repeats time of one call, each repeat averaged over enough calls to last ~0.2 s."""
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        if time.perf_counter() - start > 0.2:
            break
        calls *= 2
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - start) / calls)
    return best


def make_files(folder: Path, count: int) -> list[Path]:
    regions = "\n".join(f'  <memory_region name="r{i}" size="0x1000" />' for i in range(40))
    paths = []
    for i in range(count):
        path = folder / f"board{i}.system"
        path.write_text(SYSTEM.format(regions=regions))
        paths.append(path)
    return paths


def sources(paths: list[Path]) -> list[SourceFile]:
    out = []
    for p in paths:
        data = p.read_bytes()
        out.append(SourceFile(path=p, data=data, text=data.decode()))
    return out


def contexts(paths: list[Path], cli: dict[str, object]) -> list[AnalysisContext]:
    return [AnalysisContext(settings=load_settings(p, cli=cli), workspace=DiskWorkspace()) for p in paths]


def run_post(items: list[SourceFile], ctxs: list[AnalysisContext]) -> None:
    for source, ctx in zip(items, ctxs, strict=True):
        post_check(source, ctx)


def run_full(items: list[SourceFile], ctxs: list[AnalysisContext]) -> None:
    for source, ctx in zip(items, ctxs, strict=True):
        check_source(source, ctx)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--big-mb", type=int, default=32)
    args = parser.parse_args()
    if analyzer_for(Path("x.system")) is None:
        print("the Microkit analyzer is not in this build; nothing to compare against", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        pair = write_key_pair(root / "keys")
        key = load_private_key(pair.private)
        (root / "unsigned").mkdir()
        (root / "signed").mkdir()
        unsigned = make_files(root / "unsigned", args.files)
        signed = make_files(root / "signed", args.files)
        for path in signed:
            sign_path(path, key)
        show = {"signing": {"show_state": True}}
        required = {"signing": {"require_signatures": True, "trusted_keys": [str(pair.public)]}}
        u_src, s_src = sources(unsigned), sources(signed)
        u_ctx, s_ctx, r_ctx = contexts(unsigned, show), contexts(signed, show), contexts(signed, required)

        full = best_seconds(lambda: run_full(u_src, u_ctx))
        a = best_seconds(lambda: run_post(u_src, u_ctx))
        b = best_seconds(lambda: run_post(s_src, s_ctx))
        c = best_seconds(lambda: run_post(s_src, r_ctx))
        n = args.files
        print(f"files={n} full_analysis_ms_per_file={full / n * 1e3:.3f}")
        print(f"(a) post_check_unsigned_us_per_file={a / n * 1e6:.1f} share_of_analysis={a / full:.4f}")
        print(f"(b) post_check_signed_us_per_file={b / n * 1e6:.1f} share_of_analysis={b / full:.4f}")
        print(f"(c) post_check_required_us_per_file={c / n * 1e6:.1f} share_of_analysis={c / full:.4f}")

        store = build_store(cli=[pair.public])
        big = root / "big.system"
        big.write_bytes(b"<!-- padding -->\n" * (args.big_mb * 1024 * 1024 // 17))
        sign_path(big, key)
        big_data = big.read_bytes()
        hash_s = best_seconds(lambda: blake3.blake3(big_data).digest(), repeats=3)
        verify_s = best_seconds(lambda: verify_bytes(big, big_data, store), repeats=3)
        print(f"(d) detached_verify_ms={verify_s * 1e3:.1f} blake3_ms={hash_s * 1e3:.1f} "
              f"ratio_verify_over_hash={verify_s / hash_s:.3f}")

        rules: RuleSet = RuleSet(rules=[Standard(Category.STYLE, 1, f"rule {i} " + "x" * 200) for i in range(20000)]
                                 + [Raw("y" * 1000) for _ in range(args.big_mb * 512)])
        drv = root / "big.drv"
        drv.write_bytes(encode(rules))
        sign_path(drv, key)
        drv_data = drv.read_bytes()
        hash_d = best_seconds(lambda: blake3.blake3(drv_data).digest(), repeats=3)
        verify_d = best_seconds(lambda: verify_bytes(drv, drv_data, store), repeats=3)
        print(f"(e) embedded_verify_ms={verify_d * 1e3:.1f} blake3_ms={hash_d * 1e3:.1f} "
              f"bytes={len(drv_data)} ratio_verify_over_hash={verify_d / hash_d:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
