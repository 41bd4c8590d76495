"""Smoke test of `bench/bench_images.py`: it runs on a tiny system and prints its three figures."""

from __future__ import annotations

import shutil
import subprocess
import sys

from drvls_process import REPO, drvls_env
from prerequisites import skip_or_fail


def test_bench_images_quick_run_prints_its_figures() -> None:
    if shutil.which("aarch64-linux-gnu-ld") is None and shutil.which("gcc") is None:
        skip_or_fail("no linker for program images (Debian: binutils-aarch64-linux-gnu or gcc)")
    done = subprocess.run([sys.executable, str(REPO / "bench" / "bench_images.py"), "--quick"], cwd=REPO,
                          env=drvls_env(), capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "build-time findings with images: none" in done.stdout
    for label in ("without images (baseline)", "with images, every ELF parsed", "with images, cached"):
        assert label in done.stdout
