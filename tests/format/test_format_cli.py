"""`drvls format` as a subprocess: rewrites in place, `--check` and `--diff` change nothing, refusals say why."""

from __future__ import annotations

from pathlib import Path

from drvls_process import run_drvls

UGLY = '<?xml version="1.0" encoding="UTF-8"?>\n<system>\n  <memory_region name="m" size="0x1000"/>\n</system>\n'
PRETTY = '<?xml version="1.0" encoding="UTF-8"?>\n<system>\n    <memory_region name="m" size="0x1000" />\n</system>\n'


def test_format_rewrites_the_files_it_finds(tmp_path: Path) -> None:
    (tmp_path / "a.system").write_text(UGLY, encoding="utf-8")
    (tmp_path / "b.camkes").write_text("component A {\nprovides P p;\n}\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("  keep  me \n", encoding="utf-8")
    done = run_drvls("format", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "a.system").read_text(encoding="utf-8") == PRETTY
    assert (tmp_path / "b.camkes").read_text(encoding="utf-8") == "component A {\n    provides P p;\n}\n"
    assert (tmp_path / "notes.md").read_text(encoding="utf-8") == "  keep  me \n"
    assert "2 file(s) reformatted" in done.stderr
    assert not list(tmp_path.glob(".*.tmp"))
    again = run_drvls("format", "--check", str(tmp_path))
    assert again.returncode == 0 and "0 file(s) would be reformatted" in again.stderr


def test_check_and_diff_change_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.system"
    path.write_text(UGLY, encoding="utf-8")
    check = run_drvls("format", "--check", str(path))
    assert check.returncode == 1 and f"would reformat {path}" in check.stderr
    diff = run_drvls("format", "--diff", str(path))
    assert diff.returncode == 1
    assert '-  <memory_region name="m" size="0x1000"/>' in diff.stdout
    assert '+    <memory_region name="m" size="0x1000" />' in diff.stdout
    assert path.read_text(encoding="utf-8") == UGLY


def test_a_broken_file_is_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "a.system"
    broken = UGLY.replace("/>", "")
    path.write_text(broken, encoding="utf-8")
    done = run_drvls("format", str(path))
    assert done.returncode == 1
    assert "not formatted: the file is not well-formed XML" in done.stderr
    assert path.read_text(encoding="utf-8") == broken


def test_settings_from_drvls_toml_and_bad_paths(tmp_path: Path) -> None:
    (tmp_path / "drvls.toml").write_text("[format]\nindent_width = 2\n", encoding="utf-8")
    path = tmp_path / "a.system"
    path.write_text(UGLY, encoding="utf-8")
    assert run_drvls("format", str(path)).returncode == 0
    assert '\n  <memory_region name="m" size="0x1000" />\n' in path.read_text(encoding="utf-8")
    missing = run_drvls("format", str(tmp_path / "nope.system"))
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr
