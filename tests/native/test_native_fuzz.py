"""A short, bounded libFuzzer run of the C decoder (ASan + UBSan), seeded with valid and hostile files.

A crash found here leaves its input in the temporary artifact folder named in the failure;
the rule is to fix the bug and copy the input into native/fuzz/regressions/, where
test_fuzz_regressions_replay replays it from then on. The inputs the fuzzer found
interesting are then decoded by the Python reference decoder as a differential check.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from drvls.drv.reader import DrvError, read_ruleset

FUZZ_SECONDS = int(os.environ.get("DRVLS_FUZZ_SECONDS", "20"))

pytestmark = pytest.mark.slow


@dataclass
class FuzzRun:
    result: subprocess.CompletedProcess[str]
    corpus: Path
    artifacts: Path


@pytest.fixture(scope="module")
def fuzz_run(fuzzer: Path, seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> FuzzRun:
    work = tmp_path_factory.mktemp("native-fuzz-run")
    corpus, artifacts = work / "corpus", work / "artifacts"
    shutil.copytree(seeds_dir, corpus)
    artifacts.mkdir()
    result = subprocess.run(
        [str(fuzzer), f"-max_total_time={FUZZ_SECONDS}", "-runs=5000000", "-max_len=4096", "-timeout=10",
         "-rss_limit_mb=1024", f"-artifact_prefix={artifacts}/", "-print_final_stats=1", str(corpus)],
        capture_output=True, text=True, timeout=FUZZ_SECONDS + 120, check=False,
    )
    return FuzzRun(result, corpus, artifacts)


def test_short_fuzz_run_finds_no_crash(fuzz_run: FuzzRun) -> None:
    found = sorted(p.name for p in fuzz_run.artifacts.iterdir())
    assert fuzz_run.result.returncode == 0 and not found, (
        f"fuzzer exit {fuzz_run.result.returncode}, artifacts {found} in {fuzz_run.artifacts} "
        f"(fix, then add them to native/fuzz/regressions/):\n{fuzz_run.result.stderr[-4000:]}"
    )
    assert "stat::number_of_executed_units" in fuzz_run.result.stderr


def test_fuzz_corpus_agrees_with_reference(fuzz_run: FuzzRun, ref_decoder: ModuleType,
                                           native: ModuleType) -> None:
    """Every input the fuzzer kept: same verdict, error name and offset, or the same rules."""
    checked = 0
    for path in sorted(fuzz_run.corpus.iterdir()):
        data = path.read_bytes()
        try:
            expected = ref_decoder.decode(data, verify=False)
        except ref_decoder.RefDecodeError as exc:
            with pytest.raises(DrvError) as info:
                read_ruleset(data, verify=False)
            assert (info.value.code, info.value.offset) == (exc.code, exc.offset), path.name
        else:
            assert read_ruleset(data, verify=False) == expected, path.name
        checked += 1
    assert checked > 20
