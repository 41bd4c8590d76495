"""Fixtures for the hostile-input tests: an isolated user config folder, never the real one."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def user_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`$XDG_CONFIG_HOME/drvls`, empty: the user's own config and trust store for this test."""
    config = tmp_path_factory.mktemp("xdg-config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    (config / "drvls").mkdir()
    return config / "drvls"
