"""Nothing from a repository runs or widens trust: trust-relevant settings come only from the user."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from drvls.core.config import load_settings, user_config_path
from drvls_process import run_drvls
from hostile_support import make_keys

pytestmark = pytest.mark.skipif(shutil.which("cpp") is None, reason="needs a C preprocessor")

CAMKES = "#define WIDTH 4\ncomponent A {\n  attribute int x = WIDTH;\n}\n"


def evil_repository(root: Path, marker: Path) -> Path:
    """A repository whose config names its own script as the preprocessor."""
    root.mkdir(parents=True, exist_ok=True)
    script = root / "evil.sh"
    script.write_text(f"#!/bin/sh\ntouch '{marker}'\nexec cpp \"$@\"\n", encoding="utf-8")
    script.chmod(0o755)
    (root / "drvls.toml").write_text('[camkes]\ncpp = "./evil.sh"\n', encoding="utf-8")
    (root / "a.camkes").write_text(CAMKES, encoding="utf-8")
    return root / "a.camkes"


def env_for(user_config: Path) -> dict[str, str]:
    return {"XDG_CONFIG_HOME": str(user_config.parent)}


def test_a_repository_cpp_never_runs_and_is_named_once(tmp_path: Path, user_config: Path) -> None:
    marker = tmp_path / "ran"
    camkes = evil_repository(tmp_path / "repo", marker)
    (camkes.parent / "b.camkes").write_text(CAMKES, encoding="utf-8")
    result = run_drvls("check", str(camkes.parent), env=env_for(user_config))
    assert not marker.exists(), "the repository's cpp ran"
    assert result.stderr.count("ignored `camkes.cpp`") == 1, result.stderr
    assert str(user_config_path()) in result.stderr


def test_the_users_own_config_may_name_the_preprocessor(tmp_path: Path, user_config: Path) -> None:
    marker = tmp_path / "ran"
    camkes = evil_repository(tmp_path / "repo", marker)
    (user_config / "drvls.toml").write_text(f'[camkes]\ncpp = "{camkes.parent / "evil.sh"}"\n', encoding="utf-8")
    result = run_drvls("check", str(camkes), env=env_for(user_config))
    assert marker.exists(), result.stderr
    assert "ignored" in result.stderr  # the repository's own line is still ignored, and said so


def test_user_config_sits_between_the_repository_and_the_cli(tmp_path: Path, user_config: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "drvls.toml").write_text('ignore = ["MK001"]\n[camkes]\ncpp = "./x"\n[signing]\nkey = "k"\n',
                                     encoding="utf-8")
    (user_config / "drvls.toml").write_text('ignore = ["MK002"]\n[signing]\nkey = "mine.key"\n', encoding="utf-8")
    settings = load_settings(repo / "a.system")
    assert settings.ignore == ("MK002",)
    assert settings.section("signing")["key"] == str(user_config / "mine.key")
    assert "cpp" not in settings.section("camkes")
    assert settings.ignored_settings == ("camkes.cpp", "signing.key")
    assert load_settings(repo / "a.system", cli={"ignore": ["MK003"]}).ignore == ("MK003",)


def test_the_editor_may_set_trust_relevant_settings(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "a.camkes", editor={"camkes": {"cpp": "/usr/bin/cpp"}})
    assert settings.section("camkes")["cpp"] == "/usr/bin/cpp"


def test_verify_never_counts_a_key_only_the_repository_trusts(tmp_path: Path, user_config: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    theirs = make_keys(repo / "keys")
    mine = make_keys(tmp_path / "mine")
    (repo / "drvls.toml").write_text('[signing]\ntrusted_keys = ["keys"]\n', encoding="utf-8")
    target = repo / "a.system"
    target.write_text("<system/>\n", encoding="utf-8")
    signed = run_drvls("sign", "--key", str(theirs.private), str(target), env=env_for(user_config))
    assert signed.returncode == 0, signed.stderr
    result = run_drvls("verify", "--trusted-keys", str(mine.public), str(target), env=env_for(user_config))
    assert result.returncode == 1, result.stdout
    assert "repository" in result.stdout
    both = run_drvls("verify", "--trusted-keys", str(theirs.public), str(target), env=env_for(user_config))
    assert both.returncode == 0, both.stdout + both.stderr


def test_require_signatures_ignores_a_repository_trusted_key(tmp_path: Path, user_config: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    theirs = make_keys(repo / "keys")
    (repo / "drvls.toml").write_text('[signing]\ntrusted_keys = ["keys"]\n', encoding="utf-8")
    target = repo / "a.system"
    target.write_text("<system/>\n", encoding="utf-8")
    assert run_drvls("sign", "--key", str(theirs.private), str(target), env=env_for(user_config)).returncode == 0
    result = run_drvls("check", "--require-signatures", str(repo), env=env_for(user_config))
    assert result.returncode == 1 and "SIG007" in result.stdout, result.stdout


def test_the_user_config_path_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert user_config_path() == tmp_path / "drvls" / "drvls.toml"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/ignored")
    assert user_config_path() == Path(os.path.expanduser("~")) / ".config" / "drvls" / "drvls.toml"


def test_the_server_never_runs_a_repository_cpp_and_says_so(tmp_path: Path, user_config: Path) -> None:
    from hostile_support import RawServer

    marker = tmp_path / "ran"
    camkes = evil_repository(tmp_path / "repo", marker)
    server = RawServer(camkes.parent, env_for(user_config))
    try:
        server.initialize()
        server.diagnostics(server.open(camkes, CAMKES))
        messages = []
        while not server.unsolicited.empty():
            messages.append(server.unsolicited.get())
        shown = [m["params"]["message"] for m in messages if m.get("method") == "window/showMessage"]
        assert any("ignored `camkes.cpp`" in text for text in shown), messages
        assert not marker.exists(), "the repository's cpp ran"
    finally:
        server.close()
