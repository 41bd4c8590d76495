"""The emit tests' rule set: the project folder here compiled (deterministically) into a `.drv`."""

from __future__ import annotations

from pathlib import Path

import pytest
from drvls.drv.model import RuleSet
from drvls.drv.reader import read_ruleset
from emit_helpers import compile_project


@pytest.fixture
def source_drv(tmp_path: Path) -> Path:
    """`rules.drv` compiled from the project, at the root of an empty output folder."""
    return compile_project(tmp_path / "out")


@pytest.fixture
def source_ruleset(source_drv: Path) -> RuleSet:
    return read_ruleset(source_drv)
