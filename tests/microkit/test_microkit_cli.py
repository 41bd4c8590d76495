"""The real CLI as a subprocess on Microkit files: flags map to the target, select/ignore, suppression."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from drvls_process import run_drvls
from microkit_support import REPO, UNBUILT_IMAGE, system

EXAMPLES = REPO / "examples" / "microkit"
VM = system('    <protection_domain name="vmm" priority="1">\n        <program_image path="v" />\n'
            '        <virtual_machine name="vm" priority="300">\n            <vcpu id="0" />\n'
            "        </virtual_machine>\n    </protection_domain>")


drvls = run_drvls


def report(*args: str, cwd: Path | None = None) -> tuple[int, list[dict[str, Any]]]:
    """Exit status and JSON items, without the `MK201` warnings for the images these systems never build."""
    done = drvls("check", "--format", "json", *args, cwd=cwd)
    assert done.stdout.strip(), done.stderr
    return done.returncode, [i for i in json.loads(done.stdout) if i["code"] != UNBUILT_IMAGE]


def test_examples_are_clean() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.system")) == [
        "linux_vm.system", "serial_client.system", "timer_children.system"]
    done = drvls("check", str(EXAMPLES))
    assert done.returncode == 0, done.stdout + done.stderr


def test_json_report_has_codes_and_ranges(tmp_path: Path) -> None:
    path = tmp_path / "vm.system"
    path.write_text(VM, encoding="utf-8")
    status, items = report(str(path))
    assert status == 0  # only a warning
    assert [(i["code"], i["severity"], i["line"], i["column"], i["end_column"]) for i in items] == [
        ("MK073", "warning", 5, 46, 49)]


@pytest.mark.parametrize(("flags", "codes"), [
    ([], ["MK073"]),
    (["--arch", "x86_64"], ["MK010"]),
    (["--arch", "x86_64", "--microkit-version", "2.2"], ["MK073"]),
    (["--arch", "riscv64", "--no-hypervisor"], ["MK010", "MK070"]),
    (["--ignore", "MK073"], []),
    (["--select", "MK01"], []),
])
def test_target_flags(tmp_path: Path, flags: list[str], codes: list[str]) -> None:
    path = tmp_path / "vm.system"
    path.write_text(VM, encoding="utf-8")
    _, items = report(str(path), *flags)
    assert sorted(i["code"] for i in items) == codes


def test_config_file_and_inline_suppression(tmp_path: Path) -> None:
    (tmp_path / "drvls.toml").write_text('[microkit]\narch = "x86_64"\n', encoding="utf-8")
    path = tmp_path / "vm.system"
    path.write_text(VM, encoding="utf-8")
    status, items = report(str(path))
    assert status == 1 and [i["code"] for i in items] == ["MK010"]
    suppressed = VM.replace('        <virtual_machine name="vm"',
                            '        <!-- drvls: ignore[MK010] -->\n        <virtual_machine name="vm"')
    path.write_text(suppressed, encoding="utf-8")
    assert report(str(path)) == (0, [])
    _, items = report(str(path), "--arch", "aarch64")
    assert [i["code"] for i in items] == ["MK073"]


def test_search_path_flag(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "blob.bin").write_bytes(b"abc")
    path = tmp_path / "p.system"
    path.write_text(system('    <memory_region name="m" prefill_path="blob.bin" />\n'
                           '    <protection_domain name="a">\n        <program_image path="a" />\n'
                           '        <map mr="m" vaddr="0x1000" />\n    </protection_domain>'), encoding="utf-8")
    assert [i["code"] for i in report(str(path))[1]] == ["MK044"]
    # Found there; the program image, looked up in the same search path, now must be there too.
    assert [i["code"] for i in report(str(path), "--search-path", str(tmp_path / "data"))[1]] == ["MK200"]


def test_sdk_board_and_config_flags(tmp_path: Path) -> None:
    """`--sdk --board --config` read the SDK's kernel config, as `microkit --board --config` does."""
    sdk = Path(__file__).resolve().parent / "fixtures" / "sdk"
    path = tmp_path / "vm.system"
    path.write_text(VM, encoding="utf-8")
    _, items = report(str(path), "--sdk", str(sdk), "--board", "x86_64_generic", "--config", "debug")
    assert sorted(i["code"] for i in items) == ["MK010"]  # x86-64: VM priority is invalid there
    _, items = report(str(path), "--sdk", str(sdk), "--board", "x86_64_generic", "--config", "debug",
                      "--arch", "aarch64")  # a flag beats the SDK
    assert [i["code"] for i in items] == ["MK073"]


def test_config_file_flag_names_the_drvls_toml(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    config = tmp_path / "elsewhere" / "ci.toml"
    config.write_text('ignore = ["MK073"]\n', encoding="utf-8")
    path = tmp_path / "vm.system"
    path.write_text(VM, encoding="utf-8")
    assert report(str(path), "--config-file", str(config)) == (0, [])
    missing = drvls("check", "--config-file", str(tmp_path / "nope.toml"), str(path))
    assert missing.returncode == 2 and "no such config file" in missing.stderr
