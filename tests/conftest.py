"""Checks every test module shares: the `prerequisite` mark of `prerequisites.needs`, short ids for long
parameters, reproducible property tests under CI, and a last word naming every test that did not pass
(a CI log is often read from its end)."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings
from prerequisites import skip_or_fail

# Under CI the property tests draw the same examples every run (derived from each test), so a red CI
# names a failure anyone can replay; locally they keep exploring new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

NOT_PASSED: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "prerequisite(available, reason): a built part or tool the test needs "
                                       "(skipped without it locally, a failure under CI=true)")


def pytest_make_parametrize_id(config: pytest.Config, val: object, argname: str) -> str | None:
    """Long strings get a short id: pytest before 9.1 uses the whole value, and the id goes into
    `PYTEST_CURRENT_TEST`, where a string over 128 KiB stops every child process from starting."""
    if isinstance(val, (str, bytes)) and len(val) > 80:
        return f"{argname}-{len(val)}-long"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers("prerequisite"):
        available, reason = mark.args
        if not available:
            skip_or_fail(reason)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.failed:
        what = "failed" if report.when == "call" else f"error in {report.when}"
        crash = getattr(report.longrepr, "reprcrash", None)
        lines = report.longreprtext.strip().splitlines()
        reason = str(getattr(crash, "message", "") or (lines[-1] if lines else ""))
        NOT_PASSED.append(f"{report.nodeid} ({what}): {' '.join(reason.split())[:300]}")


def pytest_unconfigure(config: pytest.Config) -> None:
    """After pytest's own summary line: the tests that did not pass, each with its reason."""
    if NOT_PASSED:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        write = reporter.write_line if reporter is not None else print
        write(f"not passed ({len(NOT_PASSED)}):")
        for line in NOT_PASSED:
            write(f"  {line}")
