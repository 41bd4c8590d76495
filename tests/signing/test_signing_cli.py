"""`drvls keygen`, `sign`, `verify` (and `check --require-signatures`) as real subprocesses."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from prerequisites import skip_or_fail
from signing_support import private_secrets, run_cli, small_v2

SYSTEM = "<system>\n  <memory_region name=\"m\" size=\"0x1000\" />\n</system>\n"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An empty user config folder, so no real trust store or key folder is touched."""
    config = tmp_path / "xdg"
    config.mkdir()
    return {"XDG_CONFIG_HOME": str(config)}


@pytest.fixture
def project(tmp_path: Path, env: dict[str, str]) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "board.system").write_text(SYSTEM)
    (folder / "rules.drv").write_bytes(small_v2())
    result = run_cli("keygen", "-o", str(tmp_path / "keys"), cwd=folder, env=env)
    assert result.returncode == 0, result.stderr
    return folder


def keys_of(project: Path) -> tuple[Path, Path]:
    folder = project.parent / "keys"
    return folder / "drvls_ed25519.key", folder / "drvls_ed25519.pub"


def test_keygen_output_modes_and_refusal_to_overwrite(tmp_path: Path, env: dict[str, str]) -> None:
    first = run_cli("keygen", "-o", "k", cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    private = tmp_path / "k" / "drvls_ed25519.key"
    if os.name == "posix":
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
    key_id = private.read_text().split("\n")[0].rsplit(" ", 1)[1]
    assert f"key id:      {key_id}" in first.stdout
    before = private.read_bytes()
    second = run_cli("keygen", "-o", "k", cwd=tmp_path, env=env)
    assert second.returncode == 2
    assert "already exists" in second.stderr and "never overwritten" in second.stderr
    assert private.read_bytes() == before
    for secret in private_secrets(private):
        assert secret not in first.stdout + first.stderr + second.stdout + second.stderr


def test_keygen_defaults_to_the_user_config_folder(tmp_path: Path, env: dict[str, str]) -> None:
    result = run_cli("keygen", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert (Path(env["XDG_CONFIG_HOME"]) / "drvls" / "keys" / "drvls_ed25519.key").is_file()
    assert list(tmp_path.glob("*.key")) == []


def test_sign_then_verify_exit_codes_and_verdicts(project: Path, env: dict[str, str]) -> None:
    private, public = keys_of(project)
    signed = run_cli("sign", "board.system", "rules.drv", "--key", str(private), cwd=project, env=env)
    assert signed.returncode == 0, signed.stderr
    assert (project / "board.system.sig").is_file() and not (project / "rules.drv.sig").exists()

    untrusted = run_cli("verify", "board.system", "rules.drv", cwd=project, env=env)
    assert untrusted.returncode == 1
    assert untrusted.stdout.count(": untrusted") == 2

    valid = run_cli("verify", "board.system", "rules.drv", "--trusted-keys", str(public), cwd=project, env=env)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    lines = valid.stdout.splitlines()
    assert len(lines) == 2 and all(": valid" in line for line in lines)

    as_json = run_cli("verify", "board.system", "rules.drv", "--trusted-keys", str(public.parent),
                      "--format", "json", cwd=project, env=env)
    assert as_json.returncode == 0
    verdicts = json.loads(as_json.stdout)["verdicts"]
    assert [(v["status"], v["kind"]) for v in verdicts] == [("valid", "detached"), ("valid", "embedded")]
    assert all(v["trusted_by"]["origin"] == "command-line" for v in verdicts)

    (project / "board.system").write_text(SYSTEM + "<!-- edited -->\n")
    stale = run_cli("verify", "board.system", "rules.drv", "--trusted-keys", str(public), cwd=project, env=env)
    assert stale.returncode == 1
    assert "board.system: stale" in stale.stdout and "rules.drv: valid" in stale.stdout

    all_output = "".join(r.stdout + r.stderr for r in (signed, untrusted, valid, as_json, stale))
    for secret in private_secrets(private):
        assert secret not in all_output


def test_verify_reports_missing_and_legacy(project: Path, env: dict[str, str]) -> None:
    _, public = keys_of(project)
    (project / "old.drv").write_bytes(b"DRV\x00\x01\x00" + bytes(15))
    (project / "old.drv.sig").write_bytes(os.urandom(64))
    result = run_cli("verify", "board.system", "old.drv", "--trusted-keys", str(public), cwd=project, env=env)
    assert result.returncode == 1
    assert "board.system: missing" in result.stdout
    assert "old.drv: legacy-insecure" in result.stdout and "insecure" in result.stdout


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_sign_refuses_a_group_readable_key_with_the_fix(project: Path, env: dict[str, str]) -> None:
    private, _ = keys_of(project)
    private.chmod(0o644)
    result = run_cli("sign", "board.system", "--key", str(private), cwd=project, env=env)
    assert result.returncode == 2
    assert f"chmod 600 {private}" in result.stderr
    assert not (project / "board.system.sig").exists()
    private.chmod(0o600)
    for secret in private_secrets(private):
        assert secret not in result.stdout + result.stderr


def test_usage_errors_exit_2(project: Path, env: dict[str, str]) -> None:
    private, _ = keys_of(project)
    assert run_cli("sign", "absent.system", "--key", str(private), cwd=project, env=env).returncode == 2
    assert run_cli("sign", "board.system", cwd=project, env=env).returncode == 2
    result = run_cli("verify", "board.system", "--trusted-keys", "nowhere.pub", cwd=project, env=env)
    assert result.returncode == 2 and "nowhere.pub" in result.stderr


def test_sign_reports_a_damaged_drv_and_exits_1(project: Path, env: dict[str, str]) -> None:
    private, _ = keys_of(project)
    data = bytearray(small_v2())
    data[100] ^= 0xFF
    (project / "rules.drv").write_bytes(bytes(data))
    result = run_cli("sign", "rules.drv", "board.system", "--key", str(private), cwd=project, env=env)
    assert result.returncode == 1
    assert "rules.drv: not signed" in result.stderr
    assert "board.system: signed by key" in result.stdout


def test_check_require_signatures(project: Path, env: dict[str, str]) -> None:
    private, public = keys_of(project)
    from drvls.core.languages import analyzer_for

    if analyzer_for(Path("x.system")) is None:
        skip_or_fail("the Microkit analyzer is not in this build")
    unsigned = run_cli("check", "board.system", "--require-signatures", "--trusted-keys", str(public),
                       "--format", "json", cwd=project, env=env)
    assert unsigned.returncode == 1
    assert "SIG001" in unsigned.stdout
    assert run_cli("sign", "board.system", "--key", str(private), cwd=project, env=env).returncode == 0
    signed = run_cli("check", "board.system", "--require-signatures", "--trusted-keys", str(public),
                     "--format", "json", cwd=project, env=env)
    assert "SIG0" not in signed.stdout


def test_check_require_signatures_ignores_the_files_own_excuses(project: Path, env: dict[str, str]) -> None:
    _, public = keys_of(project)
    from drvls.core.languages import analyzer_for

    if analyzer_for(Path("x.system")) is None:
        skip_or_fail("the Microkit analyzer is not in this build")
    (project / "board.system").write_text("<!-- drvls: ignore -->\n" + SYSTEM)
    (project / "drvls.toml").write_text('ignore = ["SIG"]\n')
    result = run_cli("check", "board.system", "--require-signatures", "--trusted-keys", str(public),
                     "--format", "json", cwd=project, env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "SIG001" in result.stdout
