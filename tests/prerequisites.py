"""What tests need from outside the repository: skipped on a user's machine, a failure under CI.

The shared corpus lives beside the repository (`../shared/corpus`); tools such as clang or the built
extensions come from the install. Locally a missing one skips with the reason; where `CI=true` it
fails, so a CI run can never pass by testing nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def skip_or_fail(message: str, module_level: bool = False) -> NoReturn:
    """Skip with `message` locally; fail under `CI=true`. `module_level` for a whole test module."""
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message, allow_module_level=module_level)


def needs(available: bool, reason: str) -> pytest.MarkDecorator:
    """A mark for tests that need a built part or tool: `tests/conftest.py` runs `skip_or_fail(reason)`
    before such a test when `available` is false (a plain `skipif` would skip under CI too)."""
    return pytest.mark.prerequisite(available, reason)


def corpus_path(*parts: str, required_file: str | None = None) -> Path:
    """A corpus folder (holding `required_file`, when named), or skip / fail when it is not there."""
    path = CORPUS.joinpath(*parts)
    present = (path / required_file).is_file() if required_file else path.is_dir()
    if not present:
        where = "/".join(("../shared/corpus", *parts))
        with_file = f" (with {required_file})" if required_file else ""
        skip_or_fail(f"corpus folder {where}{with_file} is not present beside the repository")
    return path
