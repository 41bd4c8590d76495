"""Fixtures for the native decoder tests: sanitizer builds, seed files, the extension.

Tools that may be missing (clang, the compiled extension) skip their tests with a reason,
except under CI (`CI=true`), where a missing tool is a failure.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from native_support import NATIVE, REF_DECODER, build, load_module, run_replay, unavailable


@pytest.fixture(scope="session")
def replay_driver(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ASan+UBSan replay driver (native/fuzz/drvdec_replay.c)."""
    return build("replay", tmp_path_factory.mktemp("native-replay"))


@pytest.fixture(scope="session")
def fuzzer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The libFuzzer harness (native/fuzz/fuzz_drvdec.c)."""
    return build("fuzz", tmp_path_factory.mktemp("native-fuzz"))


@pytest.fixture(scope="session")
def seeds_module() -> ModuleType:
    return load_module("drv_native_make_seeds", NATIVE / "fuzz" / "make_seeds.py")


@pytest.fixture(scope="session")
def seeds_dir(tmp_path_factory: pytest.TempPathFactory, seeds_module: ModuleType) -> Path:
    out = tmp_path_factory.mktemp("native-seeds")
    seeds_module.write_seeds(out)
    return out


@pytest.fixture(scope="session")
def native() -> ModuleType:
    """The compiled extension `drvls._drvnative`."""
    try:
        from drvls import _drvnative
    except ImportError as exc:
        unavailable(f"the C extension drvls._drvnative is not built ({exc}); run `pip install -e .`")
    return _drvnative


@pytest.fixture(scope="session")
def ref_decoder() -> ModuleType:
    if not REF_DECODER.exists():
        unavailable("the reference decoder tests/drv_reference/ref_decoder.py is not present")
    return load_module("drv_native_ref_decoder", REF_DECODER)


@pytest.fixture
def replay(replay_driver: Path) -> Iterator[Callable[..., subprocess.CompletedProcess[str]]]:
    def go(*args: str | Path) -> subprocess.CompletedProcess[str]:
        result = run_replay(replay_driver, *args)
        assert "Sanitizer" not in result.stderr, result.stderr[-4000:]
        assert "runtime error" not in result.stderr, result.stderr[-4000:]
        assert result.returncode == 0, (result.returncode, result.stderr[-4000:])
        return result

    yield go
