"""The real CLI as a subprocess: exit codes, every output format, discovery, parallel runs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from drvls_process import run_drvls

REPO = Path(__file__).resolve().parents[2]
GOOD = """<?xml version="1.0" encoding="UTF-8"?>
<system>
    <protection_domain name="hello" priority="100">
        <program_image path="hello.elf" />
    </protection_domain>
</system>
"""
BAD_UTF8 = b"<system>\n  <protection_domain name=\"a\xff\" priority=\"1\">\n"
# Two problems the Microkit tool reports: a priority over 254 and a missing program_image.
BAD = """<?xml version="1.0" encoding="UTF-8"?>
<system>
    <protection_domain name="hello" priority="300">
        <program_image path="hello.elf" />
    </protection_domain>
    <protection_domain name="hello" priority="1">
        <program_image path="hello.elf" />
    </protection_domain>
</system>
"""


drvls = run_drvls


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_clean_file_exits_zero(tmp_path: Path) -> None:
    write(tmp_path, "ok.system", GOOD)
    result = drvls("check", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 file checked" in result.stdout


def test_problems_exit_one_in_text_format(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.system", BAD)
    result = drvls("check", str(bad))
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{bad}:3:")
    assert ": error[MK" in first


def test_json_fields_are_one_based_code_point_columns(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.system", BAD_UTF8)
    result = drvls("check", "--format", "json", str(bad))
    assert result.returncode == 1
    items = json.loads(result.stdout)
    assert items, result.stderr
    for item in items:
        assert {"path", "line", "column", "end_line", "end_column", "severity", "code", "message"} <= item.keys()
        assert item["line"] >= 1 and item["column"] >= 1
        assert item["severity"] in {"error", "warning", "information", "hint"}
    utf8 = [i for i in items if i["code"] == "DL003"]
    assert utf8 and (utf8[0]["line"], utf8[0]["column"]) == (2, 29)


def test_sarif_is_2_1_0_with_rules_and_regions(tmp_path: Path) -> None:
    write(tmp_path, "bad.system", BAD)
    result = drvls("check", "--format", "sarif", str(tmp_path))
    doc = json.loads(result.stdout)
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    assert run["tool"]["driver"]["name"] == "drvls"
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert run["results"]
    for res in run["results"]:
        assert rule_ids[res["ruleIndex"]] == res["ruleId"]
        assert res["level"] in {"error", "warning", "note"}
        region = res["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1


def test_github_annotations_escape_properties(tmp_path: Path) -> None:
    write(tmp_path, "a,b:c.system", BAD)
    result = drvls("check", "--format", "github", str(tmp_path))
    lines = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert lines and lines[0].startswith("::error file=")
    assert "a%2Cb%3Ac.system" in lines[0]
    assert "line=3" in lines[0]


def test_fail_on_and_select_ignore(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.system", BAD)
    assert drvls("check", "--fail-on", "never", str(bad)).returncode == 0
    result = drvls("check", "--format", "json", "--ignore", "MK", str(bad))
    assert json.loads(result.stdout) == []
    assert result.returncode == 0


def test_gitignore_and_exclude_are_honoured(tmp_path: Path) -> None:
    write(tmp_path, ".gitignore", "build/\n")
    write(tmp_path, "build/bad.system", BAD)
    write(tmp_path, "skip/bad.system", BAD)
    write(tmp_path, "ok.system", GOOD)
    result = drvls("check", "--format", "json", "--exclude", "skip/", "--ignore", "MK201", str(tmp_path))
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout) == []


def test_many_files_in_parallel_keep_order(tmp_path: Path) -> None:
    names = [f"f{i:02}.system" for i in range(20)]
    for name in names:
        write(tmp_path, name, BAD)
    result = drvls("check", "--format", "json", "-j", "2", str(tmp_path))
    paths = [Path(item["path"]).name for item in json.loads(result.stdout)]
    assert sorted(set(paths)) == names
    assert paths == sorted(paths)


@pytest.mark.parametrize("args", [["check", "--format", "xml", "."], ["check", "does-not-exist"], ["nope"]])
def test_usage_errors_exit_two_without_traceback(args: list[str], tmp_path: Path) -> None:
    result = drvls(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("drvls: error:")


LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
          + b"".join(b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                     for i in range(1, 10))
          + b']>\n<system><protection_domain name="&lol9;"><program_image path="a" /></protection_domain></system>\n')


@pytest.mark.parametrize("content", [
    b"", b"   \n\n", b"\x00\x01\x02garbage\xff" * 100, b"<system>" * 10000, LAUGHS,
    b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a '&a;&a;'>]><system>&a;</system>",
    b'<system>\n  <protection_domain name="\xc3\x28" />\n</system>\n',  # invalid UTF-8
    b'<system>\n  <protection_domain name="a"\n</system>\n',  # malformed XML
    bytes(range(256)) * 8,
], ids=["empty", "blank", "binary", "unclosed", "billion-laughs", "recursive-entity", "bad-utf8", "malformed",
        "all-bytes"])
def test_bad_input_never_crashes(content: bytes, tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.system", content)
    before = sorted((p.name, p.stat().st_mtime_ns) for p in tmp_path.iterdir())
    result = drvls("check", "--format", "json", str(bad))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    items = json.loads(result.stdout)
    assert items, "malformed input must get a diagnostic"
    for item in items:
        assert item["line"] >= 1 and item["column"] >= 1 and item["message"]
    assert sorted((p.name, p.stat().st_mtime_ns) for p in tmp_path.iterdir()) == before, "nothing is written"


def test_file_over_the_size_cap_gets_one_diagnostic(tmp_path: Path) -> None:
    big = tmp_path / "big.system"
    with big.open("wb") as handle:
        handle.truncate(40 * 1024 * 1024)
    result = drvls("check", "--format", "json", str(big))
    items = json.loads(result.stdout)
    assert [i["code"] for i in items] == ["DL001"]
    small = drvls("check", "--format", "json", "--max-file-size", "10", str(write(tmp_path, "s.system", GOOD)))
    assert [i["code"] for i in json.loads(small.stdout)] == ["DL001"]


def test_output_file_is_written_atomically(tmp_path: Path) -> None:
    write(tmp_path, "bad.system", BAD)
    out = tmp_path / "report.json"
    result = drvls("check", "--format", "json", "-o", str(out), str(tmp_path / "bad.system"))
    assert result.returncode == 1
    assert json.loads(out.read_text())
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_named_markdown_file_is_linted_as_a_rule_source(tmp_path: Path) -> None:
    notes = write(tmp_path, "notes.md", "# Coding standards\n\n- Keep functions small\n- Keep functions small\n")
    assert drvls("check", str(tmp_path)).stdout.startswith("All clean: 0 files")
    result = drvls("check", "--format", "json", "--fail-on", "warning", str(notes))
    codes = [item["code"] for item in json.loads(result.stdout)]
    assert codes and all(code.startswith("RUL") for code in codes)
    assert result.returncode == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes (POSIX)")
def test_pipes_links_and_folders_named_like_sources_never_hang_or_crash(tmp_path: Path) -> None:
    write(tmp_path, "ok.system", GOOD)
    os.mkfifo(tmp_path / "pipe.system")
    (tmp_path / "loop.system").symlink_to(tmp_path / "loop.system")
    (tmp_path / "dangling.system").symlink_to(tmp_path / "missing.system")
    (tmp_path / "folder.system").mkdir()
    walked = drvls("check", "--format", "json", "--ignore", "MK201", str(tmp_path))  # no image is built
    assert (walked.returncode, json.loads(walked.stdout)) == (0, []), walked.stderr
    assert "Traceback" not in walked.stderr and "internal error" not in walked.stderr
    named = drvls("check", "--format", "json", str(tmp_path / "pipe.system"))
    assert named.returncode == 1 and [i["code"] for i in json.loads(named.stdout)] == ["DL002"]
    looping = drvls("check", str(tmp_path / "loop.system"))
    assert looping.returncode == 2 and looping.stderr.startswith("drvls: error:")


def test_require_signatures_ignores_the_repository_excludes(tmp_path: Path) -> None:
    write(tmp_path, "drvls.toml", 'exclude = ["hidden/"]\n')
    write(tmp_path, "hidden/unsigned.system", GOOD)
    keys = tmp_path / "keys"
    keys.mkdir()
    plain = drvls("check", "--format", "json", str(tmp_path))
    assert plain.returncode == 0 and json.loads(plain.stdout) == []
    strict = drvls("check", "--format", "json", "--require-signatures", "--trusted-keys", str(keys), str(tmp_path))
    assert strict.returncode == 1
    assert any(item["path"].endswith("unsigned.system") for item in json.loads(strict.stdout))
    assert "exclude" in strict.stderr


def test_many_files_are_shared_between_worker_processes(tmp_path: Path) -> None:
    for i in range(64):
        write(tmp_path, f"f{i:02}.system", GOOD)
    result = drvls("-v", "check", "-j", "2", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "checking 64 files in 2 worker processes" in result.stderr
    pids = {line.split()[2] for line in result.stderr.splitlines() if " checked " in line and "process" in line}
    assert len(pids) == 2, result.stderr


def test_a_run_reports_an_unusable_trusted_key_once(tmp_path: Path) -> None:
    for name in ("a.system", "b.system"):
        write(tmp_path, f"src/{name}", GOOD)
    result = drvls("check", "--format", "json", "--require-signatures",
                   "--trusted-keys", str(tmp_path / "missing.pub"), str(tmp_path / "src"))
    codes = [item["code"] for item in json.loads(result.stdout)]
    assert codes.count("SIG008") == 1, codes
