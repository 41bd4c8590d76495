"""Fixtures for the `.drv` format tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from drvref_helpers import require_derived


@pytest.fixture
def derived_dir() -> Path:
    """The upstream-derived v1 vectors (skips, or fails under CI, when the corpus is absent)."""
    return require_derived()
