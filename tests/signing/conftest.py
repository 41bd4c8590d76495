"""Fixtures for the signing tests: real keys, real `.drv` v2 files, an isolated user trust store."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

SERVER_DIR = Path(__file__).resolve().parents[2] / "server"
if str(SERVER_DIR) not in sys.path:
    sys.path.insert(0, str(SERVER_DIR))  # importable before `pip install -e .` too

from signing_support import KeyFiles, make_keys  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_user_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the user-level trust store at an empty temp folder, so the real one never leaks in."""
    config = tmp_path_factory.mktemp("xdg-config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    return config / "drvls" / "trusted_keys"


@pytest.fixture
def keys(tmp_path: Path) -> KeyFiles:
    return make_keys(tmp_path / "keys")


@pytest.fixture
def other_keys(tmp_path: Path) -> KeyFiles:
    return make_keys(tmp_path / "other-keys")
