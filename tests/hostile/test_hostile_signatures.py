"""`--require-signatures` cannot be bypassed by the repository it checks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from drvls_process import json_diagnostics, run_drvls
from hostile_support import make_keys

SYSTEM = "<system/>\n"


def env_for(user_config: Path) -> dict[str, str]:
    return {"XDG_CONFIG_HOME": str(user_config.parent)}


def required(repo: Path, user_config: Path, *extra: str) -> tuple[int, list[dict[str, object]], str]:
    keys = make_keys(repo.parent / "ci-keys")
    result = run_drvls("check", "--require-signatures", "--trusted-keys", str(keys.public), "--format", "json",
                       *extra, str(repo), env=env_for(user_config))
    items = json_diagnostics(result.stdout) if result.stdout.strip() else []
    return result.returncode, items, result.stderr


def codes_of(items: list[dict[str, object]], name: str) -> set[object]:
    return {i["code"] for i in items if str(i["path"]).endswith(name)}


@pytest.mark.parametrize("trusted", ['["~nosuchuser/k.pub"]', '["a\\u0000b.pub"]'])
def test_a_failing_trust_config_is_an_unsuppressible_finding(tmp_path: Path, user_config: Path,
                                                             trusted: str) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    config = f'ignore = ["SIG", "DL"]\nselect = ["MK09"]\n[signing]\ntrusted_keys = {trusted}\n'
    (repo / "drvls.toml").write_text(config, encoding="utf-8")
    (repo / "a.system").write_text("<!-- drvls: ignore -->\n" + SYSTEM, encoding="utf-8")
    code, items, stderr = required(repo, user_config)
    assert code == 1, stderr
    assert codes_of(items, "a.system") & {"SIG001", "SIG009"}


def test_a_signature_check_that_raises_is_a_finding(tmp_path: Path, user_config: Path) -> None:
    """The user's own config with an unusable key path: deciding fails, and that fails the run."""
    (user_config / "drvls.toml").write_text('[signing]\ntrusted_keys = ["\\u0000"]\n', encoding="utf-8")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "drvls.toml").write_text('ignore = ["SIG"]\n', encoding="utf-8")
    (repo / "a.system").write_text(SYSTEM, encoding="utf-8")
    code, items, stderr = required(repo, user_config)
    assert code == 1, stderr
    assert codes_of(items, "a.system") & {"SIG001", "SIG008", "SIG009"}


def test_gitignore_and_skipped_folders_hide_nothing(tmp_path: Path, user_config: Path) -> None:
    repo = tmp_path / "repo"
    for name in ("a.system", "node_modules/n.system", ".venv/v.system", "UPPER.SYSTEM", "deep/x.CAMKES"):
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SYSTEM if "system" in name.lower() else "component A {}\n", encoding="utf-8")
    (repo / ".gitignore").write_text("*.system\n*.SYSTEM\ndeep/\n", encoding="utf-8")
    (repo / "drvls.toml").write_text('exclude = ["**"]\n', encoding="utf-8")
    code, items, _stderr = required(repo, user_config)
    assert code == 1
    paths = {Path(str(i["path"])).name for i in items if i["code"] == "SIG001"}
    assert paths == {"a.system", "n.system", "v.system", "UPPER.SYSTEM", "x.CAMKES"}


def test_only_the_users_own_excludes_apply(tmp_path: Path, user_config: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "vendor").mkdir(parents=True)
    (repo / "a.system").write_text(SYSTEM, encoding="utf-8")
    (repo / "vendor" / "b.system").write_text(SYSTEM, encoding="utf-8")
    _code, items, _stderr = required(repo, user_config, "--exclude", "vendor/")
    assert {Path(str(i["path"])).name for i in items} == {"a.system"}


def test_zero_files_is_an_error(tmp_path: Path, user_config: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "README.md").write_text("nothing to check\n", encoding="utf-8")
    code, _items, stderr = required(repo, user_config)
    assert code == 2 and "no file to check" in stderr


def test_files_rejected_unread_still_get_their_signature_finding(tmp_path: Path, user_config: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "big.system").write_text(SYSTEM + " " * 4096, encoding="utf-8")
    (repo / "nul.system").write_bytes(b"<system>\x00</system>\n")
    locked = repo / "locked.system"
    locked.write_text(SYSTEM, encoding="utf-8")
    locked.chmod(0)
    try:
        code, items, stderr = required(repo, user_config, "--max-file-size", "1024")
    finally:
        locked.chmod(0o644)
    assert code == 1, stderr
    assert {"DL001", "SIG009"} <= codes_of(items, "big.system")
    assert {"DL004", "SIG001"} <= codes_of(items, "nul.system")
    if os.geteuid() != 0:  # root reads any file
        assert {"DL002", "SIG009"} <= codes_of(items, "locked.system")
