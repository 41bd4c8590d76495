"""The settings schema is the one source of truth: the docs' key tables are generated from it, every key
a family reads is declared in it, and every `drvls check` flag maps back to its key."""

from __future__ import annotations

from drvls_process import REPO, run_drvls


def test_configuration_doc_is_in_step_with_the_schema() -> None:
    from drvls.cli.settings_command import BEGIN, END, render_markdown

    doc = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    start, end = doc.index(BEGIN), doc.index(END) + len(END)
    assert doc[start:end] + "\n" == render_markdown(), "regenerate with `drvls settings --markdown`"


def test_every_flag_of_check_is_in_the_schema_and_reaches_its_key() -> None:
    from drvls.cli.check_command import cli_settings
    from drvls.cli.main import build_parser
    from drvls.core.schema import sections

    parser = build_parser()
    args = parser.parse_args(["check", "--arch", "riscv64", "--no-hypervisor", "--cores", "4", "--vspace-top",
                              "0x7fffffffff", "--microkit-version", "2.1", "--import-path", "imports",
                              "-D", "X=1", "--select", "MK,CK003", "--require-signatures", "--max-file-size", "9"])
    values = cli_settings(args)
    assert values["microkit"]["arch"] == "riscv64" and values["microkit"]["hypervisor"] is False
    assert values["microkit"]["cores"] == 4 and values["microkit"]["user_vspace_top"] == 0x7FFFFFFFFF
    assert values["microkit"]["version"] == "2.1" and values["camkes"]["defines"] == ["X=1"]
    assert values["camkes"]["import_path"][0].endswith("imports")
    assert values["select"] == ["MK", "CK003"] and values["signing"]["require_signatures"] is True
    assert values["max_file_size"] == 9
    flags = {o.flag for s in sections() for o in s.options if o.flag}
    help_text = run_drvls("check", "--help").stdout
    assert all(flag in help_text for flag in flags)


def test_every_key_the_families_read_is_declared() -> None:
    """A family reading an undeclared key would make that key an error in every config file."""
    import re

    from drvls.core.schema import sections

    declared = {s.dotted(o.key) for s in sections() for o in s.options}
    server = REPO / "server" / "drvls"
    for family in ("microkit", "camkes", "signing"):
        for path in (server / family).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if f'section("{family}")' not in text:
                continue
            for key in re.findall(r'section(?:\[|\.get\()"([a-z_]+)"', text):
                assert f"{family}.{key}" in declared, (path.name, key)
