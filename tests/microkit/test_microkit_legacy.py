"""Old syntaxes get one targeted diagnostic per occurrence and no cascade of follow-on errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from drvls.core.diagnostics import Range, Severity
from microkit_support import Check, corpus_dir, find, run_check, system

LEGACY = {"MK110", "MK111", "MK112", "MK113"}
# What a legacy construct would cascade into if it were not recognised.
CASCADE = {"MK001", "MK010", "MK011", "MK014", "MK017", "MK050"}


def test_pd_pp_is_one_targeted_diagnostic(check: Check) -> None:
    text = system('    <protection_domain name="server" priority="10" pp="true">\n'
                  '        <program_image path="s.elf" />\n    </protection_domain>\n'
                  '    <protection_domain name="client" priority="5">\n'
                  '        <program_image path="c.elf" />\n    </protection_domain>\n'
                  '    <channel>\n        <end pd="client" id="0" />\n        <end pd="server" id="0" />\n'
                  "    </channel>")
    diags = check(text)
    assert [d.code for d in diags] == ["MK110"]
    assert diags[0].range == find(text, 'pp="true"')  # the attribute, name and value
    assert "removed in Microkit 2.0: move `pp` to the calling `<end>`" in diags[0].message


def apply_fix(text: str, edits: list[tuple[Range, str]]) -> str:
    lines = text.split("\n")

    def offset(line: int, character: int) -> int:
        return sum(len(x) + 1 for x in lines[:line]) + character

    for rng, new in sorted(edits, key=lambda e: e[0].start, reverse=True):
        start, end = offset(rng.start.line, rng.start.character), offset(rng.end.line, rng.end.character)
        text = text[:start] + new + text[end:]
    return text


def test_pd_pp_quick_fix_moves_pp_to_the_callers(check: Check) -> None:
    text = system('    <protection_domain name="server" priority="10" pp="true">\n'
                  '        <program_image path="s.elf" />\n    </protection_domain>\n'
                  '    <protection_domain name="client" priority="5">\n'
                  '        <program_image path="c.elf" />\n    </protection_domain>\n'
                  '    <channel>\n        <end pd="client" id="0" />\n        <end pd="server" id="0" />\n'
                  "    </channel>")
    diag = check(text)[0]
    assert diag.fixes[0].title == "Move `pp` to the calling channel ends (Microkit 2.0)"
    fixed = apply_fix(text, [(e.range, e.new_text) for e in diag.fixes[0].edits])
    assert '<protection_domain name="server" priority="10">' in fixed
    assert '<end pp="true" pd="client" id="0" />' in fixed
    assert check(fixed) == []


def test_pre_13_vm_dialect(check: Check) -> None:
    text = system('    <memory_region name="ram" size="0x1000" />\n'
                  '    <protection_domain name="vmm">\n        <program_image path="vmm.elf" />\n'
                  '        <virtual_machine name="linux" vm_id="1">\n'
                  '            <program_image path="linux" />\n            <device_tree path="linux.dtb" />\n'
                  '            <map mr="ram" vaddr="0x40000000" />\n        </virtual_machine>\n'
                  "    </protection_domain>")
    diags = check(text)
    assert sorted(d.code for d in diags) == ["MK111", "MK111", "MK111"]
    assert diags[0].range == find(text, 'vm_id="1"')
    assert {d.range for d in diags} >= {find(text, '<device_tree path="linux.dtb" />')}


def test_setvar_vaddr(check: Check) -> None:
    text = system('    <protection_domain name="a">\n        <program_image path="a.elf" />\n'
                  '        <setvar symbol="freq" vaddr="1_000_000" />\n    </protection_domain>')
    diags = check(text)
    assert [d.code for d in diags] == ["MK112"]
    assert diags[0].range == find(text, 'vaddr="1_000_000"')


def test_cpp_template_is_one_report_listing_each_construct(check: Check) -> None:
    text = ('<?xml version="1.0"?>\n#include "ram.h"\n<system>\n'
            '  <memory_region name="ram" size=RAMSIZE phys_addr=RAMADDR />\n'
            '/*  <memory_region name="x" size="0x1000" /> */\n</system>\n')
    diags = check(text)
    assert [d.code for d in diags] == ["MK113"]
    diag = diags[0]
    assert diag.severity == Severity.ERROR
    assert diag.message == ("this file is a C-preprocessor template, not XML: directives, C comments and unquoted "
                            "macro values on lines 2, 4–5; check the file cpp generates from it instead")
    assert diag.range == find(text, '#include "ram.h"')
    assert [r.range for r in diag.related] == [find(text, '#include "ram.h"'), find(text, "RAMSIZE"),
                                               find(text, "RAMADDR"),
                                               find(text, '/*  <memory_region name="x" size="0x1000" /> */')]
    assert [r.message for r in diag.related] == [
        'C preprocessor directive `#include "ram.h"`',
        "unquoted value `RAMSIZE` for `size`: a cpp macro, a value only after cpp runs",
        "unquoted value `RAMADDR` for `phys_addr`: a cpp macro, a value only after cpp runs",
        "C comment `/* … */` (XML comments are `<!-- … -->`)"]


def test_hash_in_ordinary_file_is_not_a_template(check: Check) -> None:
    text = system('    <!-- #include is mentioned here -->\n    <protection_domain name="a">\n'
                  '        <program_image path="a#1.elf" />\n    </protection_domain>')
    assert check(text) == []


def legacy_rows() -> list[dict[str, str]]:
    try:
        data = json.loads((corpus_dir() / "verdicts.json").read_text(encoding="utf-8"))
    except pytest.skip.Exception:
        return []
    out = []
    for row in data["files"]:
        message = row.get("reference_message") or ""
        if ("invalid attribute 'pp' on element 'protection_domain'" in message
                or ("on element 'virtual_machine'" in message and "invalid attribute" in message)
                or "invalid attribute 'vaddr' on element 'setvar'" in message
                or message.startswith("Could not parse")):
            out.append(row)
    return out


def test_corpus_has_the_legacy_test_set() -> None:
    rows = legacy_rows()
    if not rows:
        corpus_dir()
    assert sum(r["reference_message"].startswith("Could not parse") for r in rows) == 4
    assert len(rows) >= 50


@pytest.mark.parametrize("row", legacy_rows(), ids=lambda r: r["path"])
def test_corpus_legacy_file_gets_targeted_diagnostics_without_cascade(row: dict[str, str]) -> None:
    path = corpus_dir() / row["path"]
    diags = run_check(path)
    errors = [d for d in diags if d.severity == Severity.ERROR]
    assert any(d.code in LEGACY for d in errors)
    assert not [d for d in errors if d.code in CASCADE], [(d.code, d.message) for d in errors]


def pp_rows() -> list[dict[str, str]]:
    return [r for r in legacy_rows() if "invalid attribute 'pp'" in r["reference_message"]]


@pytest.mark.parametrize("row", pp_rows(), ids=lambda r: r["path"])
def test_corpus_pp_quick_fix_gives_valid_ppcs(row: dict[str, str], tmp_path: Path) -> None:
    """Applying every `pp` fix leaves no legacy diagnostic and no PPC error (only real, unrelated bugs)."""
    source = corpus_dir() / row["path"]
    path = tmp_path / source.name
    text = source.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    for _ in range(64):
        fixable = [d for d in run_check(path) if d.code == "MK110" and d.fixes]
        if not fixable:
            break
        text = apply_fix(text, [(e.range, e.new_text) for e in fixable[0].fixes[0].edits])
        path.write_text(text, encoding="utf-8")
    codes = {d.code for d in run_check(path) if d.severity == Severity.ERROR}
    assert not codes & {"MK110", "MK062", "MK063", "MK010"}, codes
