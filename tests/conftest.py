"""Checks every test module shares: the `prerequisite` mark of `prerequisites.needs`."""

from __future__ import annotations

import pytest
from prerequisites import skip_or_fail


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "prerequisite(available, reason): a built part or tool the test needs "
                                       "(skipped without it locally, a failure under CI=true)")


def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers("prerequisite"):
        available, reason = mark.args
        if not available:
            skip_or_fail(reason)
