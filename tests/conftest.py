"""Shared test set-up: the corpus location and the rule that CI never silently skips it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def corpus_path(*parts: str) -> Path:
    """A corpus folder, or skip (fail under CI) when the shared corpus is not beside the repo."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        message = f"corpus folder ../shared/corpus/{'/'.join(parts)} is not present beside the repository"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path
