"""Microkit 2.0–2.3 differences (spec §5): syntax added later is reported, older behaviours apply."""

from __future__ import annotations

import pytest
from microkit_support import Check, find, only, system, value

MR = '    <memory_region name="m" size="0x1000" />\n'
PD_HEAD = '    <protection_domain name="a"{}>\n        <program_image path="a.elf" />\n'
PD_TAIL = '        <map mr="m" vaddr="0x100000" />\n    </protection_domain>'


def pd(children: str = "", attrs: str = "") -> str:
    return system(MR + PD_HEAD.format(attrs) + children + PD_TAIL)


@pytest.mark.parametrize(("attrs", "children", "since", "needle"), [
    (' cpu="0"', "", "2.1", 'cpu="0"'),
    ("", '        <irq irq="5" id="1" setvar_id="irq_sym" />\n', "2.1", 'setvar_id="irq_sym"'),
    (' fpu="false"', "", "2.3", 'fpu="false"'),
])
def test_newer_attributes_are_reported_for_older_versions(check: Check, attrs: str, children: str, since: str,
                                                          needle: str) -> None:
    text = pd(children, attrs)
    assert check(text) == []
    older = f"{since[0]}.{int(since[2]) - 1}"
    diag = only(check(text, version=older), "MK114")
    assert diag.message.endswith(f"(added in Microkit {since})")
    assert diag.range == value(text, needle)
    assert check(text, version=since) == []


def test_newer_top_level_elements_are_reported(check: Check) -> None:
    text = system(MR + '    <domains>\n        <domain name="d" />\n        <domain_schedule>\n'
                  '            <schedule_entry domain="d" duration="1 us" />\n        </domain_schedule>\n'
                  "    </domains>\n" + PD_HEAD.format(' domain="d"') + PD_TAIL)
    assert check(text) == []
    gated = [d for d in check(text, version="2.2") if d.code == "MK114"]
    assert [d.message for d in gated] == [
        "invalid XML element 'domains' (added in Microkit 2.3)",
        "invalid attribute 'domain' on element 'protection_domain' (added in Microkit 2.3)"]
    assert gated[0].range.start == find(text, "<domains>").start
    assert gated[1].range == value(text, 'domain="d"', 1)


def test_prefill_path_needs_2_2(check: Check) -> None:
    text = system('    <memory_region name="m" size="0x1000" prefill_path="blob.bin" />\n'
                  + PD_HEAD.format("") + PD_TAIL)
    diags = check(text, version="2.1")
    assert "MK114" in {d.code for d in diags}


def test_stack_default_before_2_1_moves_the_vaddr_limit(check: Check) -> None:
    # The PD limit is top - IPC buffer page - guard page - stack: 0x2000 stack from 2.1, 0x1000 before.
    text = system(MR + PD_HEAD.format("") + '        <map mr="m" vaddr="0xffffffc000" />\n'
                  + PD_TAIL)
    assert only(check(text), "MK032").message == (
        "vaddr (0xffffffc000) must be less than 0xffffffc000 on element 'map'")
    assert "MK032" not in {d.code for d in check(text, version="2.0")}


def test_pci_colon_form_is_accepted_before_2_3(check: Check) -> None:
    text = pd('        <irq pcidev="0:3:0" vector="1" handle="0" id="1" />\n')
    assert "MK053" in {d.code for d in check(text, arch="x86_64")}
    assert "MK053" not in {d.code for d in check(text, arch="x86_64", version="2.2")}
