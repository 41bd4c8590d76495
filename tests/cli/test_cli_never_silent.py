"""The CLI never passes silently: every mistaken flag, key, code or path is an error (exit 2) that names
what is wrong and, where there is one, the closest valid spelling."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest
from drvls_process import REPO, drvls_env, json_diagnostics, run_drvls

GOOD = ('<system>\n  <protection_domain name="a">\n    <program_image path="a.elf" />\n'
        '  </protection_domain>\n</system>\n')
BAD = GOOD.replace('name="a"', 'name="a" priority="300"')


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def usage_error(*args: str, cwd: Path | None = None) -> str:
    done = run_drvls(*args, cwd=cwd)
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and done.stderr.startswith("drvls: error:"), done.stderr
    return done.stderr


@pytest.mark.parametrize(("toml", "expected"), [
    ('exlude = ["build/"]\n', "unknown key `exlude` (did you mean `exclude`?)"),
    ("[microkit]\narc = \"riscv64\"\n", "unknown key `microkit.arc` (did you mean `microkit.arch`?)"),
    ("[camkes]\nimport_paths = []\n", "did you mean `camkes.import_path`?"),
    ("[microkit]\ncores = \"four\"\n", "`microkit.cores` must be of type int"),
    ("analysis_timeout = \"10s\"\n", "`analysis_timeout` must be of type number"),
    ("[microkit]\narch = \"arm64\"\n", "is not one of aarch64, riscv64, x86_64"),
    ('select = ["MK11O"]\n', "unknown rule code or prefix `MK11O` (did you mean `MK110`?)"),
])
def test_a_mistaken_config_key_or_value_is_an_error_naming_the_closest(tmp_path: Path, toml: str,
                                                                       expected: str) -> None:
    write(tmp_path, "drvls.toml", toml)
    write(tmp_path, "a.system", GOOD)
    assert expected in usage_error("check", str(tmp_path))


@pytest.mark.parametrize("toml", ["analysis_timeout = 0\n", "analysis_timeout = 2.5\n"])
def test_a_number_setting_takes_an_integer_or_a_float(tmp_path: Path, toml: str) -> None:
    write(tmp_path, "drvls.toml", toml)
    path = write(tmp_path, "a.system", BAD)
    done = run_drvls("check", "--format", "json", str(path))
    assert done.returncode == 1, done.stderr
    assert "MK020" in {d["code"] for d in json_diagnostics(done.stdout)}


def test_pyproject_table_is_checked_too(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.drvls]\nignor = [\"MK043\"]\n")
    write(tmp_path, "a.system", GOOD)
    assert "unknown key `ignor` (did you mean `ignore`?)" in usage_error("check", str(tmp_path))


@pytest.mark.parametrize(("flag", "value", "expected"), [
    ("--select", "MK11O", "`MK11O` (did you mean `MK110`?)"),
    ("--ignore", "MKK", "`MKK` (did you mean `MK`?)"),
    ("--select", "MK,BOGUS", "unknown rule code or prefix `BOGUS`"),
    ("--ignore", "mk", "`mk` (did you mean `MK`?)"),
])
def test_unknown_codes_on_the_command_line_are_errors(tmp_path: Path, flag: str, value: str, expected: str) -> None:
    path = write(tmp_path, "a.system", GOOD)
    assert expected in usage_error("check", flag, value, str(path))


def test_valid_codes_prefixes_and_all_are_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "a.system", BAD)
    for value in ("MK020", "MK", "MK0", "ALL", "MK020,DL"):
        done = run_drvls("check", "--select", value, str(path))
        assert done.returncode in (0, 1), (value, done.stderr)


def test_an_empty_folder_says_so_unless_allowed(tmp_path: Path) -> None:
    write(tmp_path, "notes.txt", "nothing for drvls\n")
    assert "no file to check" in usage_error("check", str(tmp_path))
    allowed = run_drvls("check", "--allow-empty", str(tmp_path))
    assert allowed.returncode == 0 and "0 files checked" in allowed.stdout
    keys = tmp_path / "keys"
    keys.mkdir()
    strict = usage_error("check", "--allow-empty", "--require-signatures", "--trusted-keys", str(keys), str(tmp_path))
    assert "no file to check" in strict and "--allow-empty" not in strict


def test_sdk_flags_that_cannot_work_are_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "a.system", GOOD)
    assert "--sdk: no such folder" in usage_error("check", "--sdk", str(tmp_path / "nope"), str(path))
    assert "pass --sdk DIR" in usage_error("check", "--board", "qemu_virt_aarch64", str(path))


@pytest.mark.parametrize("args", [
    ("check", "missing.system"),
    ("compile", "missing.md", "-o", "out.drv"),
    ("decompile", "missing.drv"),
    ("preview", "missing.drv"),
    ("verify", "missing.system"),
    ("sign", "missing.system", "--key", "missing.key"),
])
def test_a_missing_path_is_exit_2_in_every_command(tmp_path: Path, args: tuple[str, ...]) -> None:
    assert "no such file" in usage_error(*args, cwd=tmp_path) or "cannot read" in usage_error(*args, cwd=tmp_path)
    assert not (tmp_path / "out.drv").exists()


def test_global_flags_work_after_the_subcommand_and_verbose_names_files_and_settings(tmp_path: Path) -> None:
    # MK201: its program image is not built
    write(tmp_path, "drvls.toml", "ignore = [\"MK201\"]\n[microkit]\narch = \"riscv64\"\n")
    write(tmp_path, "sub/a.system", GOOD)
    before = run_drvls("-v", "check", str(tmp_path))
    after = run_drvls("check", str(tmp_path), "-v")
    for done in (before, after):
        assert done.returncode == 0, done.stderr
        assert "found 1 checkable file" in done.stderr and "a.system" in done.stderr
        assert "microkit.arch='riscv64' (drvls.toml)" in done.stderr
    quiet = run_drvls("check", "-q", str(tmp_path))
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    assert "cannot be combined" in usage_error("check", "-q", "-v", str(tmp_path))


def test_shards_of_a_thousand_files_partition_the_tree(tmp_path: Path) -> None:
    for i in range(1000):
        write(tmp_path, f"d{i % 10}/f{i:04}.system", GOOD)
    found: list[list[str]] = []
    for index in range(1, 4):
        done = run_drvls("-v", "check", "-j", "1", "--shard", f"{index}/3", "d0", "d1", "d2", "d3", "d4",
                         "d5", "d6", "d7", "d8", "d9", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        names = [line.split(":")[1].strip() for line in done.stderr.splitlines()
                 if line.startswith("drvls: d") and ".system:" in line]
        found.append(names)
    union = [name for part in found for name in part]
    assert len(union) == len(set(union)) == 1000  # no overlap, nothing lost
    assert all(200 < len(part) < 470 for part in found), [len(p) for p in found]
    again = run_drvls("-v", "check", "-j", "1", "--shard", "2/3", "d0", "d1", "d2", "d3", "d4", "d5", "d6",
                      "d7", "d8", "d9", cwd=tmp_path)
    assert [line.split(":")[1].strip() for line in again.stderr.splitlines()
            if line.startswith("drvls: d") and ".system:" in line] == found[1]  # stable


def test_shard_must_be_i_of_n(tmp_path: Path) -> None:
    for bad in ("0/3", "4/3", "x", "1/0"):
        assert "--shard" in usage_error("check", "--shard", bad, str(tmp_path))


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})


def test_changed_since_checks_only_files_changed_since_the_revision(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    write(tmp_path, "old.system", BAD)
    write(tmp_path, "edited.system", GOOD)
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "base")
    write(tmp_path, "edited.system", BAD)
    write(tmp_path, "new.system", BAD)
    done = run_drvls("check", "--format", "json", "--changed-since", "HEAD", ".", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert sorted({Path(str(i["path"])).name for i in json_diagnostics(done.stdout)}) == ["edited.system",
                                                                                          "new.system"]
    assert "--changed-since" in usage_error("check", "--changed-since", "no-such-rev", ".", cwd=tmp_path)


def test_standard_input_is_checked_as_the_named_file(tmp_path: Path) -> None:
    write(tmp_path, "drvls.toml", 'ignore = ["MK020", "MK201"]  # MK201: its program image is not built\n')
    done = subprocess.run([sys.executable, "-m", "drvls", "check", "--format", "json", "-",
                           "--stdin-filename", str(tmp_path / "x.system")], input=BAD, capture_output=True,
                          text=True, env=drvls_env(), timeout=60, check=False)
    assert done.returncode == 0 and json_diagnostics(done.stdout) == [], done.stderr  # its folder's config
    plain = subprocess.run([sys.executable, "-m", "drvls", "check", "-", "--stdin-filename", "board.system"],
                           input=BAD, capture_output=True, text=True, env=drvls_env(), timeout=60,
                           check=False, cwd=tmp_path.parent)
    assert plain.returncode == 1 and plain.stdout.startswith("board.system:2:41: error[MK020]")
    assert "--stdin-filename" in usage_error("check", "-")


def _run_on_terminal(args: list[str], cwd: Path) -> str:
    """Run with stderr on a real pseudo-terminal (stdout piped), returning what the terminal showed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(args, cwd=cwd, env=drvls_env(), stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    proc.wait(timeout=60)
    os.close(leader)
    return seen.decode("utf-8", "replace")


def test_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    for i in range(12):
        write(tmp_path, f"f{i:02}.system", BAD if i == 3 else GOOD)
    command = [sys.executable, "-m", "drvls", "check", "-j", "1", str(tmp_path)]
    shown = _run_on_terminal(command, tmp_path)
    assert "12/12 files, 1 error so far" in shown and "\r" in shown
    piped = run_drvls("check", "-j", "1", str(tmp_path))
    assert "files," not in piped.stderr and "\r" not in piped.stderr
    quiet = _run_on_terminal([*command, "-q"], tmp_path)
    assert "files," not in quiet


def test_signing_refuses_an_invalid_drv_and_a_public_key(tmp_path: Path) -> None:
    assert run_drvls("keygen", "-o", str(tmp_path / "keys")).returncode == 0
    private, public = tmp_path / "keys" / "drvls_ed25519.key", tmp_path / "keys" / "drvls_ed25519.pub"
    bad = tmp_path / "bad.drv"
    bad.write_bytes(b"not a drv file at all")
    done = run_drvls("sign", str(bad), "--key", str(private))
    assert done.returncode == 1 and "not a valid .drv file" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.drv", "keys"]  # nothing written
    assert bad.read_bytes() == b"not a drv file at all"
    good = tmp_path / "rules.drv"
    good.write_bytes((REPO / "examples" / "rules" / "rules.drv").read_bytes())
    assert "this is a public key" in usage_error("sign", str(good), "--key", str(public))


def test_rules_shows_the_severity_each_code_really_has() -> None:
    listing = run_drvls("rules").stdout
    line = next(x for x in listing.splitlines() if x.startswith("SIG005"))
    assert line.split()[1] == "warning" and "[error when signatures are required]" in line


def test_target_dependent_findings_say_which_target_was_assumed_and_from_where(tmp_path: Path) -> None:
    system = GOOD.replace('name="a"', 'name="a" cpu="3"')
    path = write(tmp_path, "a.system", system)
    plain = run_drvls("check", str(path)).stdout
    assert "note: target aarch64, 1 core, hypervisor, SMC, from defaults: set `[microkit]` in drvls.toml" in plain
    write(tmp_path, "drvls.toml", "[microkit]\ncores = 2\n")
    configured = run_drvls("check", str(path)).stdout
    assert "note: target aarch64, 2 cores, hypervisor, SMC, from drvls.toml" in configured
    flagged = run_drvls("check", "--arch", "riscv64", str(path)).stdout
    assert "target riscv64, 2 cores, hypervisor, from command line and drvls.toml" in flagged
    unrelated = run_drvls("check", str(write(tmp_path, "b.system", BAD))).stdout
    assert "note: target" not in unrelated  # only findings that depend on the target say so
