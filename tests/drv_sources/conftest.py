"""Fixtures for the rule-source tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from drvsrc_helpers import require_sources


@pytest.fixture
def sources_dir() -> Path:
    """The upstream rule-source samples (skips, or fails under CI, when the corpus is absent)."""
    return require_sources()
