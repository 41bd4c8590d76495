"""Wording and places audited against the tool's `sdf.rs` beyond what its own test suite covers.

Each case is one finding: the message the tool prints (`value_error` adds ` on element '…'`)
and the element it points at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from drvls.core.diagnostics import Range
from microkit_support import Check, only, system, tag, value

PD_HEAD = '    <protection_domain name="a">\n        <program_image path="a.elf" />\n'
PD_TAIL = "    </protection_domain>"
VM = '        <virtual_machine name="vm{}">\n            <vcpu id="0" />\n        </virtual_machine>\n'
SCHEDULE = ('        <domain_schedule>\n            <schedule_entry domain="d" duration="1 us" />\n'
            "        </domain_schedule>\n")
DOMAINS = f'    <domains>\n        <domain name="d" />\n{SCHEDULE}    </domains>\n'


def nth_tag(text: str, spec: str) -> Range:
    """`tag` for `marker` or `marker|occurrence`."""
    marker, _, occurrence = spec.partition("|")
    return tag(text, marker, int(occurrence or 0))


@pytest.mark.parametrize(("body", "settings", "code", "message", "at", "child"), [
    # sdf.rs 1627: value_error on the PD.
    (PD_HEAD + "        <cspace />\n        <cspace />\n" + PD_TAIL, {}, "MK016",
     "cspace must only be specified once on element 'protection_domain'", "<protection_domain", "<cspace />|1"),
    # sdf.rs 1604: value_error on the PD.
    (PD_HEAD + VM.format(1) + VM.format(2) + PD_TAIL, {}, "MK016",
     "virtual_machine must only be specified once on element 'protection_domain'", "<protection_domain",
     '<virtual_machine name="vm2"'),
    # sdf.rs 1597: value_error on the PD.
    (PD_HEAD + VM.format(1) + PD_TAIL, {"hypervisor": False}, "MK070",
     "seL4 has not been built as a hypervisor, virtual machines are disabled on element 'protection_domain'",
     "<protection_domain", '<virtual_machine name="vm1"'),
    # sdf.rs 1799: the location is the virtual machine's, not the child's.
    (PD_HEAD + '        <virtual_machine name="vm">\n            <vcpu id="0" />\n            <bogus />\n'
     "        </virtual_machine>\n" + PD_TAIL, {}, "MK014", "invalid XML element 'bogus'",
     '<virtual_machine name="vm"', "<bogus />"),
    # sdf.rs 2270: value_error on the second <domain_schedule>.
    ('    <domains>\n        <domain name="d" />\n' + SCHEDULE + SCHEDULE + "    </domains>\n"
     '    <protection_domain name="a" domain="d">\n        <program_image path="a.elf" />\n' + PD_TAIL, {},
     "MK016", "The <domain_schedule> element can only appear once on element 'domain_schedule'",
     "<domain_schedule>|1", None),
    # sdf.rs 2291: value_error on <domains>.
    ('    <domains>\n        <domain name="d" />\n    </domains>\n', {}, "MK017",
     "The <domain_schedule> element must appear once on element 'domains'", "<domains>", None),
    # sdf.rs 2889: value_error on the second <domains>, so its tag is named, not 'system'.
    (DOMAINS + DOMAINS + '    <protection_domain name="a" domain="d">\n        <program_image path="a.elf" />\n'
     + PD_TAIL, {}, "MK016", "domains must only be specified once on element 'domains'", "<domains>|1", None),
])
def test_message_and_place(check: Check, body: str, settings: dict[str, object], code: str, message: str, at: str,
                           child: str | None) -> None:
    text = system(body)
    diag = only(check(text, **settings), code)
    assert diag.message == message
    assert diag.range == nth_tag(text, at)
    if child is not None:
        assert [r.range for r in diag.related] == [nth_tag(text, child)]


def test_duplicate_ioport_id_is_reported_on_the_pd(check: Check) -> None:
    # sdf.rs 3123: the location is the PD's.
    text = system(PD_HEAD + '        <ioport id="0" addr="0x10" size="1" />\n'
                  '        <ioport id="0" addr="0x20" size="1" />\n' + PD_TAIL)
    diag = only(check(text, arch="x86_64"), "MK057")
    assert diag.message == "duplicate I/O port id: 0 in protection domain: 'a'"
    assert diag.range == value(text, 'name="a"')
    assert [r.range for r in diag.related] == [value(text, 'id="0"', 1), value(text, 'id="0"')]


def test_prefill_larger_than_region_prints_bare_hex(check: Check, tmp_path: Path) -> None:
    # sdf.rs 1921 formats both sizes with `{:x}`: no `0x`.
    (tmp_path / "fill.bin").write_bytes(b"x" * 0x1001)
    text = system('    <memory_region name="m" size="0x1000" prefill_path="fill.bin" />\n'
                  + PD_HEAD + '        <map mr="m" vaddr="0x100000" />\n' + PD_TAIL)
    diag = only(check(text), "MK044")
    assert diag.message == "size of prefill file exceeds memory region size: 1001 > 1000 on element 'memory_region'"


@pytest.mark.parametrize(("use", "settings"), [
    ('    <io_address_space name="dev" peripheral_id="0:3.0" domain_id="1">\n'
     '        <iomap mr="r" iovaddr="0x0" />\n    </io_address_space>\n', {"arch": "x86_64", "iommu": True}),
    ("", {}),
])
def test_a_region_used_only_by_an_iomap_or_a_setvar_is_not_unused(check: Check, use: str,
                                                                  settings: dict[str, object]) -> None:
    setvar = "" if use else '        <setvar symbol="r_paddr" region_paddr="r" />\n'
    text = system('    <memory_region name="r" size="0x1000" phys_addr="0x10000000" />\n' + use
                  + PD_HEAD + setvar + PD_TAIL)
    assert check(text, **settings) == []


@pytest.mark.parametrize(("body", "settings", "code"), [
    ('    <memory_region name="r" size="0x1000" />\n'
     '    <io_address_space name="dev" peripheral_id="0:3.0" domain_id="1">\n'
     '        <iomap mr="r" iovaddr="0x8000000000" />\n    </io_address_space>\n' + PD_HEAD + PD_TAIL,
     {"arch": "x86_64", "iommu": True}, "MK102"),
    ('    <memory_region name="r" size="0x1000" />\n' + PD_HEAD
     + '        <map mr="r" vaddr="0x1000000000000000" />\n' + PD_TAIL, {}, "MK032"),
])
def test_an_address_too_high_is_one_error(check: Check, body: str, settings: dict[str, object], code: str) -> None:
    diags = check(system(body), **settings)
    assert [d.code for d in diags] == [code]


def test_a_cpp_template_is_one_diagnostic(check: Check) -> None:
    lines = "".join(f"#define SIZE_{i} 0x1000\n" for i in range(20))
    text = f'{lines}<system>\n    <memory_region name="r" size=SIZE_0 />\n</system>\n'
    diags = check(text)
    assert [d.code for d in diags] == ["MK113"]
    assert "directives and unquoted macro values on lines 1–20, 22;" in diags[0].message
    assert len(diags[0].related) == 21


def schedule(attrs: str, items: str) -> str:
    return system(f'    <domains>\n        <domain name="d" />\n        <domain_schedule{attrs}>\n{items}'
                  '        </domain_schedule>\n    </domains>\n'
                  '    <protection_domain name="a" domain="d">\n        <program_image path="a.elf" />\n' + PD_TAIL)


ENTRY = '            <schedule_entry domain="d" duration="1 us" />\n'
MARKER = "            <schedule_end_marker />\n"


@pytest.mark.parametrize(("attrs", "items", "settings", "message"), [
    # sdf.rs 2413: the length counts end markers too, and the limit is reached at N.
    ("", ENTRY + MARKER, {"num_domain_schedules": 2},
     "More than configured KernelNumDomainSchedules 2 number of <schedule_entry> elements found"),
    # sdf.rs 2421: an absent start_index is 0, checked against the length like a written one.
    ("", "", {}, "schedule_start_index '0' is greater than the length of the schedule '0' on element "
     "'domain_schedule'"),
    # sdf.rs 2433: shift + length >= KernelNumDomainSchedules (the tool prints the start index).
    (' index_shift="1"', ENTRY, {"num_domain_schedules": 2},
     "schedule_index_shift '0' on top of the schedule length '1' would exceed than the configured "
     "KernelNumDomainSchedules 2 on element 'domain_schedule'"),
])
def test_domain_schedule_bounds(check: Check, attrs: str, items: str, settings: dict[str, object],
                                message: str) -> None:
    diags = check(schedule(attrs, items), **settings)
    assert [d.message for d in diags if d.code == "MK094"] == [message]


def test_a_vcpu_cpu_that_is_not_a_number_names_the_virtual_machine(check: Check) -> None:
    # sdf.rs 1770 parses it with the <virtual_machine> node, so that is the element the message names.
    text = system(PD_HEAD + '        <virtual_machine name="vm">\n            <vcpu id="0" cpu="one" />\n'
                  "        </virtual_machine>\n" + PD_TAIL)
    diag = only(check(text), "MK012")
    assert diag.message == "failed to parse integer 'one' on element 'virtual_machine': invalid digit found in string"
    assert diag.range == value(text, 'cpu="one"')
