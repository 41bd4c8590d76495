"""Target resolution: CLI > editor settings > drvls.toml > [tool.drvls] > SDK board folder > defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from drvls.core.config import load_settings
from drvls.microkit.target import Target, resolve
from microkit_support import only, run_check, system

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SDK = FIXTURES / "sdk"


def target_for(file: Path, cli: dict[str, object] | None = None,
               editor: dict[str, object] | None = None) -> tuple[Target, list[str]]:
    return resolve(load_settings(file, cli=cli, editor=editor), file)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "sub").mkdir()
    file = tmp_path / "sub" / "a.system"
    file.write_text(system(""), encoding="utf-8")
    return file


def test_defaults_are_the_corpus_aarch64_config(project: Path) -> None:
    target, problems = target_for(project)
    assert problems == []
    assert target == Target(arch="aarch64", hypervisor=True, cores=1, iommu=False, smc=True, num_domains=16,
                            num_domain_schedules=100, user_vspace_top=0xFFFFFFFFFF, version=(2, 3),
                            search_path=(project.parent,))


def test_pyproject_then_drvls_toml_then_editor_then_cli(project: Path) -> None:
    root = project.parent.parent
    (root / "pyproject.toml").write_text('[tool.drvls.microkit]\narch = "riscv64"\ncores = 2\n', encoding="utf-8")
    assert target_for(project)[0].arch == "riscv64"
    (project.parent / "drvls.toml").write_text('[microkit]\narch = "x86_64"\nsearch-path = ["data"]\n',
                                               encoding="utf-8")
    target, _ = target_for(project)
    assert target.arch == "x86_64"
    assert target.cores == 1  # the nearer drvls.toml wins as a whole; pyproject is not merged in
    assert target.search_path == (project.parent / "data",)
    assert target_for(project, editor={"microkit": {"arch": "aarch64"}})[0].arch == "aarch64"
    target, _ = target_for(project, cli={"microkit": {"arch": "riscv64", "user_vspace_top": "0x3fffffffff"}},
                           editor={"microkit": {"arch": "aarch64", "cores": 4}})
    assert (target.arch, target.cores, target.user_vspace_top) == ("riscv64", 4, 0x3FFFFFFFFF)


def test_sdk_board_folder(project: Path) -> None:
    cli = {"microkit": {"sdk": str(SDK), "board": "x86_64_generic", "config": "debug"}}
    target, problems = target_for(project, cli=cli)
    assert problems == []
    assert (target.arch, target.hypervisor, target.iommu, target.smc, target.cores) == (
        "x86_64", True, True, False, 1)
    assert (target.num_domains, target.num_domain_schedules, target.user_vspace_top) == (4, 32, 0x7FFFFFFFEFFF)
    arm, _ = target_for(project, cli={"microkit": {"sdk": str(SDK), "board": "qemu_virt_aarch64",
                                                   "config": "release"}})
    assert (arm.arch, arm.hypervisor, arm.smc, arm.cores, arm.user_vspace_top) == (
        "aarch64", False, False, 4, 0x7FFFFFFFFF)


def test_settings_override_the_sdk(project: Path) -> None:
    (project.parent / "drvls.toml").write_text(
        f'[microkit]\nsdk = "{SDK.as_posix()}"\nboard = "x86_64_generic"\nconfig = "debug"\n', encoding="utf-8")
    assert target_for(project)[0].arch == "x86_64"
    target, _ = target_for(project, cli={"microkit": {"iommu": False}})
    assert (target.arch, target.iommu) == ("x86_64", False)


def test_bad_settings_are_reported_not_fatal(project: Path) -> None:
    target, problems = target_for(project, cli={"microkit": {"arch": "mips", "cores": "many",
                                                             "sdk": str(SDK), "board": "nope"}})
    assert target.arch == "aarch64" and target.cores == 1
    assert len(problems) == 3
    diags = run_check(project, cli={"microkit": {"arch": "mips"}})
    warning = only(diags, "MK120")
    assert "unknown architecture 'mips'" in warning.message


def test_target_changes_the_verdict(tmp_path: Path) -> None:
    file = tmp_path / "vm.system"
    file.write_text(system('    <protection_domain name="vmm">\n        <program_image path="v" />\n'
                           '        <virtual_machine name="vm" priority="10">\n            <vcpu id="0" />\n'
                           "        </virtual_machine>\n    </protection_domain>"), encoding="utf-8")
    assert run_check(file) == []
    x86 = run_check(file, cli={"microkit": {"arch": "x86_64"}})
    assert [d.message for d in x86] == ["invalid attribute 'priority' on element 'virtual_machine'"]
    assert run_check(file, cli={"microkit": {"arch": "x86_64", "version": "2.2"}}) == []
    riscv = run_check(file, cli={"microkit": {"arch": "riscv64", "hypervisor": False}})
    assert "MK070" in {d.code for d in riscv}


def test_search_path_for_prefill(tmp_path: Path) -> None:
    data = tmp_path / "blobs"
    data.mkdir()
    (data / "img.bin").write_bytes(b"x" * 10)
    file = tmp_path / "p.system"
    file.write_text(system('    <memory_region name="m" prefill_path="img.bin" />\n'
                           '    <protection_domain name="a">\n        <program_image path="a" />\n'
                           '        <map mr="m" vaddr="0x1000" />\n    </protection_domain>'), encoding="utf-8")
    assert [d.code for d in run_check(file)] == ["MK044"]
    # Found there; the program image, looked up in the same search path, is not.
    assert [d.code for d in run_check(file, cli={"microkit": {"search_path": [str(data)]}})] == ["MK200"]
    (data / "img.bin").write_bytes(b"")
    assert [d.message for d in run_check(file, cli={"microkit": {"search_path": [str(data)]}})
            if d.code != "MK200"] == ["prefill file 'img.bin' is empty on element 'memory_region'"]
