"""The C decoder under AddressSanitizer + UndefinedBehaviorSanitizer.

Every input is decoded from 8 different base offsets (so v1 and v2 files are read from odd
addresses too) and must give the same clean result; any out-of-bounds read, misaligned load,
overflow or leak aborts the driver and fails the test.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from native_support import REGRESSIONS, derived_dir

Replay = Callable[..., Any]
RESULT = re.compile(r"^(?P<label>.+): (?:ok version=(?P<version>\d) rules=(?P<rules>\d+)|error (?P<code>[A-Z0-9_]+) "
                    r"at (?P<offset>\d+): (?P<message>.+))$")


def results(stdout: str) -> dict[str, re.Match[str]]:
    found = {}
    for line in stdout.splitlines():
        match = RESULT.match(line)
        if match:
            found[Path(match["label"]).stem] = match
    return found


def test_seed_corpus_valid_files_decode(replay: Replay, seeds_dir: Path) -> None:
    out = results(replay(*sorted(seeds_dir.glob("*.drv"))).stdout)
    assert out["v2-sample"]["rules"] == "6" and out["v2-sample"]["version"] == "2"
    assert out["v1-sample"]["version"] == "1"
    assert out["v2-empty"]["rules"] == "0"
    assert out["v2-scoped"]["rules"] == "6" and out["v2-scoped"]["version"] == "2"


@pytest.mark.parametrize(("name", "code"), [
    ("section-count-max", "BAD_TABLE"),
    ("string-count-max", "BAD_SECTION_SIZE"),
    ("string-count-absent-minus-one", "BAD_SECTION_SIZE"),
    ("rule-count-max", "BAD_SECTION_SIZE"),
    ("list-count-max", "BAD_LIST"),
    ("step-count-max", "BAD_SECTION_SIZE"),
    ("word-count-max", "BAD_SECTION_SIZE"),
    ("string-offset-max", "BAD_STRING_OFFSETS"),
    ("workflow-step-count-max", "BAD_STEPS"),
    ("list-ref-max", "BAD_LIST"),
    ("section-offset-past-end", "OUT_OF_BOUNDS"),
    ("section-length-wraps", "OUT_OF_BOUNDS"),
    ("section-offset-wraps", "OUT_OF_BOUNDS"),
    ("sections-overlap", "OVERLAP"),
    ("table-offset-past-end", "BAD_TABLE"),
    ("file-length-lies", "BAD_LENGTH"),
    ("duplicate-strings-section", "DUPLICATE_SECTION"),
    ("unknown-required-section", "UNKNOWN_REQUIRED_SECTION"),
    ("unknown-must-understand-flag", "UNKNOWN_FLAG"),
    ("first-rule-kind-9", "BAD_KIND"),
    ("misaligned-section", "MISALIGNED"),
    ("scope-count-max", "BAD_SECTION_SIZE"),
    ("scope-name-ref-max", "BAD_REF"),
    ("scope-globs-ref-max", "BAD_LIST"),
    ("scope-activation-9", "BAD_KIND"),
    ("rule-scope-index-max", "BAD_REF"),
    ("v1-64gib-strings", "TRUNCATED"),
    ("v1-48gib-standards", "TRUNCATED"),
    ("v1-second-string-table", "BAD_V1_SECTION"),
    ("v1-unknown-tag", "BAD_V1_SECTION"),
    ("v1-truncated-persona", "TRUNCATED"),
])
def test_hostile_seed_is_a_clean_error(replay: Replay, seeds_dir: Path, name: str, code: str) -> None:
    out = results(replay(seeds_dir / f"{name}.drv").stdout)[name]
    assert out["code"] == code, out.group(0)
    assert out["message"].strip()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["v2-sample", "v1-sample", "v2-empty"])
def test_every_truncation_and_bit_flip(replay: Replay, seeds_dir: Path, name: str) -> None:
    data = (seeds_dir / f"{name}.drv").read_bytes()
    result = replay("--truncate", "--bitflip", seeds_dir / f"{name}.drv")
    assert f"replayed {1 + len(data) + 8 * len(data)} variants of 1 files" in result.stdout


def test_truncations_are_errors_not_crashes(replay: Replay, seeds_dir: Path) -> None:
    result = replay("-v", "--truncate", seeds_dir / "v2-sample.drv")
    prefixes = [m for label, m in results(result.stdout).items() if label.startswith("prefix")]
    assert prefixes and all(m["code"] for m in prefixes)


def test_corpus_vectors(replay: Replay) -> None:
    out = results(replay("--truncate", "--bitflip", *sorted(derived_dir().glob("*.drv"))).stdout)
    assert out["example"]["rules"] == "5"
    assert out["empty"]["rules"] == "0"


def test_unsorted_section_table(replay: Replay, seeds_dir: Path, tmp_path: Path, seeds_module: ModuleType) -> None:
    """A valid file whose table lists sections out of offset order is still accepted."""
    data = bytearray((seeds_dir / "v2-sample.drv").read_bytes())
    table = struct.unpack_from("<Q", data, 24)[0]
    first, last = data[table:table + 24], data[table + 96:table + 120]
    data[table:table + 24], data[table + 96:table + 120] = last, first
    path = tmp_path / "unsorted.drv"
    path.write_bytes(bytes(data))
    assert results(replay(path).stdout)["unsorted"]["rules"] == "6"


def test_fuzz_regressions_replay(replay: Replay) -> None:
    """Every input the fuzzer ever crashed on stays fixed."""
    files = sorted(p for p in REGRESSIONS.iterdir() if p.is_file() and p.name != "README.md")
    assert files, "native/fuzz/regressions/ holds no inputs"
    result = replay("--truncate", "--bitflip", *files)
    assert f"of {len(files)} files" in result.stdout
