"""`drvls compile / decompile / preview` and `drvls check` on rule sources, run as real subprocesses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from drvsrc_helpers import drvls, native_reader_or_skip

CLAUDE = "# CLAUDE.md\n\n## Instructions\n\n- Always explain your reasoning\n- Use clear, concise language\n"
CURSOR = "# Persona: Reviewer\nA careful code reviewer.\n\n# Style\n- Use snake_case for functions\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "CLAUDE.md").write_text(CLAUDE, encoding="utf-8")
    (tmp_path / ".cursorrules").write_text(CURSOR, encoding="utf-8")
    return tmp_path


def test_compile_is_byte_identical_on_repeat(project: Path) -> None:
    for out in ("a.drv", "b.drv"):
        result = drvls("compile", "CLAUDE.md", ".cursorrules", "-o", out, cwd=project)
        assert result.returncode == 0, result.stderr
    assert (project / "a.drv").read_bytes() == (project / "b.drv").read_bytes()
    assert (project / "a.drv").read_bytes()[:4] == b"DRV\x00"
    assert sorted(p.name for p in project.iterdir()) == [".cursorrules", "CLAUDE.md", "a.drv", "b.drv"]


def test_compile_decompile_compile_gives_the_same_bytes(project: Path) -> None:
    native_reader_or_skip()
    assert drvls("compile", "CLAUDE.md", ".cursorrules", "-o", "rules.drv", cwd=project).returncode == 0
    to_stdout = drvls("decompile", "rules.drv", cwd=project)
    assert to_stdout.returncode == 0, to_stdout.stderr
    assert '<!-- drv: persona file=".cursorrules" line=1 -->' in to_stdout.stdout
    assert drvls("decompile", "rules.drv", "-o", "rules.md", cwd=project).returncode == 0
    assert (project / "rules.md").read_text(encoding="utf-8") == to_stdout.stdout
    assert drvls("compile", "rules.md", "-o", "again.drv", cwd=project).returncode == 0
    assert (project / "again.drv").read_bytes() == (project / "rules.drv").read_bytes()


def test_compile_of_a_folder_takes_rule_sources_by_name_only(project: Path) -> None:
    native_reader_or_skip()
    from drvls.drv.reader import read_ruleset

    (project / "notes.md").write_text("- Not a rule source\n", encoding="utf-8")
    (project / "docs").mkdir()
    (project / "docs" / "README.md").write_text("- Nor this\n", encoding="utf-8")
    (project / ".github").mkdir()
    (project / ".github" / "copilot-instructions.md").write_text("- Prefer pure functions\n", encoding="utf-8")
    (project / "vendor").mkdir()
    (project / "vendor" / ".windsurfrules").write_text("- Ignored by .gitignore\n", encoding="utf-8")
    (project / ".gitignore").write_text("vendor/\n", encoding="utf-8")
    for out in ("a.drv", "b.drv"):
        result = drvls("compile", ".", "-o", out, cwd=project)
        assert result.returncode == 0, result.stderr
    data = (project / "a.drv").read_bytes()
    assert data == (project / "b.drv").read_bytes()
    assert read_ruleset(data).sources == [".cursorrules", ".github/copilot-instructions.md", "CLAUDE.md"]
    named = drvls("compile", ".cursorrules", "notes.md", "-o", "c.drv", cwd=project)
    assert named.returncode == 0, named.stderr
    assert read_ruleset((project / "c.drv").read_bytes()).sources == [".cursorrules", "notes.md"]
    empty = drvls("compile", "docs", "-o", "d.drv", cwd=project)
    assert empty.returncode == 1 and "no rule sources in this folder" in empty.stderr
    assert not (project / "d.drv").exists()


def test_compile_refuses_to_overwrite_an_input(project: Path) -> None:
    for target in ("CLAUDE.md", "./CLAUDE.md", str(project / "CLAUDE.md")):
        result = drvls("compile", "CLAUDE.md", ".cursorrules", "-o", target, cwd=project)
        assert result.returncode == 2
        assert "refusing to write over the input" in result.stderr
        assert "Traceback" not in result.stderr
    assert (project / "CLAUDE.md").read_text(encoding="utf-8") == CLAUDE


def test_decompile_refuses_to_overwrite_its_input(project: Path) -> None:
    native_reader_or_skip()
    assert drvls("compile", "CLAUDE.md", "-o", "rules.drv", cwd=project).returncode == 0
    before = (project / "rules.drv").read_bytes()
    result = drvls("decompile", "rules.drv", "-o", "rules.drv", cwd=project)
    assert result.returncode == 2 and (project / "rules.drv").read_bytes() == before


def test_failed_compile_leaves_no_output_and_no_temp_file(project: Path) -> None:
    (project / ".aider.conf.yml").write_text("conventions:\n  - ok\nmodel: {broken\n", encoding="utf-8")
    (project / "out.drv").write_bytes(b"old contents")
    result = drvls("compile", "CLAUDE.md", ".aider.conf.yml", "-o", "out.drv", cwd=project)
    assert result.returncode == 1
    assert ".aider.conf.yml:3:8: error[RUL008]" in result.stderr
    assert (project / "out.drv").read_bytes() == b"old contents"
    assert sorted(p.name for p in project.iterdir()) == [".aider.conf.yml", ".cursorrules", "CLAUDE.md", "out.drv"]


@pytest.mark.parametrize(("content", "message"), [
    (b"DRV\x00\x02\x00", "compiled .drv file"),
    (b"\xff\xfe bad", "not valid UTF-8 at byte 0"),
    (b"text\x00more", "NUL byte at offset 4"),
])
def test_compile_rejects_inputs_that_are_not_text(project: Path, content: bytes, message: str) -> None:
    (project / "bad.md").write_bytes(content)
    result = drvls("compile", "bad.md", "-o", "out.drv", cwd=project)
    assert result.returncode == 1 and message in result.stderr
    assert not (project / "out.drv").exists()


def test_usage_errors_exit_2_without_traceback(project: Path) -> None:
    for args in (("compile", "CLAUDE.md"), ("compile", "-o", "x.drv"), ("preview", "x.drv", "--format", "xml"),
                 ("compile", "CLAUDE.md", "-o", ".")):
        result = drvls(*args, cwd=project)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr
    missing = drvls("compile", "nope.md", "-o", "x.drv", cwd=project)
    assert missing.returncode == 2 and "no such file or folder: nope.md" in missing.stderr


def test_preview_markdown_and_json(project: Path) -> None:
    native_reader_or_skip()
    assert drvls("compile", "CLAUDE.md", ".cursorrules", "-o", "rules.drv", cwd=project).returncode == 0
    md = drvls("preview", "rules.drv", cwd=project)
    assert md.returncode == 0, md.stderr
    assert "| format version | 2 |" in md.stdout
    assert "| signature | unsigned |" in md.stdout
    assert "(matches)" in md.stdout
    doc = json.loads(drvls("preview", "rules.drv", "--format", "json", cwd=project).stdout)
    assert doc["format_version"] == 2
    assert doc["counts"] == {"persona": 1, "standard": 3, "context": 0, "workflow": 0, "raw": 1}
    assert doc["digest"]["matches"] is True and len(doc["digest"]["computed"]) == 64
    assert doc["signature"]["state"] == "unsigned"
    assert doc["sources"] == ["CLAUDE.md", ".cursorrules"]
    assert doc["rules"][0] == {"kind": "raw", "source": {"file": "CLAUDE.md", "line": 1}, "content": "# CLAUDE.md"}


def test_preview_reports_a_damaged_file(project: Path) -> None:
    native_reader_or_skip()
    assert drvls("compile", "CLAUDE.md", "-o", "rules.drv", cwd=project).returncode == 0
    data = bytearray((project / "rules.drv").read_bytes())
    data[200] ^= 0x01  # inside a section: structure may survive, the digest cannot
    (project / "bad.drv").write_bytes(bytes(data))
    result = drvls("preview", "bad.drv", "--format", "json", cwd=project)
    if result.returncode == 0:
        assert json.loads(result.stdout)["digest"]["matches"] is False
    else:
        assert result.returncode == 1 and "not a valid .drv file" in result.stderr
    garbage = drvls("preview", "CLAUDE.md", cwd=project)
    assert garbage.returncode == 1 and "not a valid .drv file" in garbage.stderr
    assert drvls("decompile", "bad.drv", cwd=project).returncode == 1


def test_check_lints_corpus_rule_sources(sources_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "sources"
    shutil.copytree(sources_dir, copy)
    result = drvls("check", "--format", "json", "--fail-on", "never", ".", cwd=copy)
    assert result.returncode == 0, result.stderr
    assert "RUL002" in result.stdout and "windsurf_parser_test.windsurfrules" in result.stdout
    assert "Traceback" not in result.stderr


def test_check_reports_exact_ranges_in_a_rule_source(project: Path) -> None:
    (project / ".windsurfrules").write_text("# Rules\n- Run the cleanup job\n- Keep it clean\n", encoding="utf-8")
    result = drvls("check", ".windsurfrules", cwd=project)
    assert result.returncode == 0
    assert ".windsurfrules:3:11: information[RUL002]" in result.stdout
    assert "cleanup" not in result.stdout


def test_check_lints_the_rules_inside_a_drv_file(project: Path) -> None:
    native_reader_or_skip()
    (project / ".windsurfrules").write_text(
        "# Rules\n- Always write docstrings for public functions\n- Never write docstrings for public functions\n",
        encoding="utf-8")
    assert drvls("compile", ".windsurfrules", "-o", "rules.drv", cwd=project).returncode == 0
    result = drvls("check", "--format", "json", "--fail-on", "never", "rules.drv", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "RUL005" in result.stdout and ".windsurfrules:2" in result.stdout and ".windsurfrules:3" in result.stdout
