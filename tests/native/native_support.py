"""Helpers shared by the native decoder tests (a uniquely named module: tests are not packages)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from prerequisites import corpus_path, skip_or_fail

REPO = Path(__file__).resolve().parents[2]
NATIVE = REPO / "native"
REGRESSIONS = NATIVE / "fuzz" / "regressions"
REF_DECODER = REPO / "tests" / "drv_reference" / "ref_decoder.py"


unavailable = skip_or_fail  # a missing tool or build: skip, or fail under CI


def derived_dir() -> Path:
    """The upstream-derived v1 vectors in ../shared/corpus (skip, or fail under CI, when absent)."""
    return corpus_path("drv", "derived")


def load_module(name: str, path: Path) -> ModuleType:
    """Import a helper module by file path (the tests folders are not packages)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def build(mode: str, out: Path) -> Path:
    """Build a sanitizer binary with native/build.sh (skip, or fail under CI, without clang)."""
    if shutil.which("clang") is None:
        unavailable("clang is not installed (Debian packages: clang, libclang-rt-14-dev)")
    result = subprocess.run(["sh", str(NATIVE / "build.sh"), mode, str(out)], capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        unavailable(f"native/build.sh {mode} failed (sanitizer runtimes missing?):\n{result.stderr[-2000:]}")
    return Path(result.stdout.strip().splitlines()[-1])


def run_replay(driver: Path, *args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the sanitizer driver; any sanitizer report makes it exit non-zero."""
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=86",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=87")
    return subprocess.run([str(driver), *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env=env, check=False)
