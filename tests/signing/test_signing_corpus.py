"""Real files from the shared corpus, signed in a temp folder: valid as signed, rejected once changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from drvls.signing.evidence import Kind, Status
from drvls.signing.sign import sign_path
from drvls.signing.verify import verify_bytes, verify_file
from prerequisites import corpus_path
from signing_support import KeyFiles, flip


def corpus_files(pattern: str, limit: int) -> list[Path]:
    found = sorted(corpus_path().rglob(pattern))
    assert found, f"no {pattern} files in the corpus"
    step = max(1, len(found) // limit)
    return found[::step][:limit]


@pytest.mark.parametrize("pattern", ["*.system", "*.camkes", "*.drv"])
def test_corpus_files_sign_verify_and_reject_a_flip(tmp_path: Path, keys: KeyFiles, pattern: str) -> None:
    store = keys.store()
    for index, original in enumerate(corpus_files(pattern, 12)):
        copy = tmp_path / f"{index}-{original.name}"
        shutil.copyfile(original, copy)
        signed = sign_path(copy, keys.key)
        assert signed.kind is Kind.DETACHED  # the corpus has v1 `.drv` files only
        assert copy.read_bytes() == original.read_bytes()
        verdict = verify_file(copy, store)
        assert verdict.status is Status.VALID, (original, verdict.line())
        data = copy.read_bytes()
        if data:
            middle = len(data) * 4  # a bit in the middle of the file
            assert verify_bytes(copy, flip(data, middle), store).status is Status.STALE
