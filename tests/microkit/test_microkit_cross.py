"""Cross-element checks: the tool's messages, ranges, and related locations pointing at the first one."""

from __future__ import annotations

from drvls.core.diagnostics import Severity
from microkit_support import Check, only, system, tag, value


def pd(name: str, body: str = "", attrs: str = "") -> str:
    return (f'    <protection_domain name="{name}"{attrs}>\n        <program_image path="{name}.elf" />\n'
            f"{body}    </protection_domain>\n")


def test_no_protection_domain(check: Check) -> None:
    text = system("")
    diag = only(check(text), "MK028")
    assert diag.message == "at least one protection domain must be defined"
    assert diag.range == tag(text, "<system>")


def test_too_many_pds(check: Check) -> None:
    text = system("".join(pd(f"p{i}") for i in range(64)))
    diag = only(check(text), "MK028")
    assert diag.message == "too many protection domains (64) defined. Maximum is 63."
    assert diag.range == value(text, 'name="p63"')


def test_duplicate_pd_name_and_monitor(check: Check) -> None:
    text = system(pd("a") + pd("a") + pd("monitor"))
    diags = [d for d in check(text) if d.code == "MK029"]
    assert [d.message for d in diags] == ["duplicate protection domain name 'a'.",
                                          "the PD name 'monitor' is reserved for the Microkit Monitor."]
    assert diags[0].range == value(text, 'name="a"', 1)
    assert diags[0].related[0].range == value(text, 'name="a"')


def test_duplicate_memory_region(check: Check) -> None:
    text = system('    <memory_region name="m" size="0x1000" />\n    <memory_region name="m" size="0x1000" />\n'
                  + pd("a", '        <map mr="m" vaddr="0x1000" />\n'))
    diag = only(check(text), "MK037")
    assert diag.message == "duplicate memory region name 'm'."
    assert diag.range == value(text, 'name="m"', 1)
    assert diag.related[0].range == value(text, 'name="m"')


def test_channel_to_unknown_pd(check: Check) -> None:
    text = system(pd("a") + '    <channel>\n        <end pd="a" id="1" />\n        <end pd="zz" id="1" />\n'
                  "    </channel>")
    diag = only(check(text), "MK060")
    assert diag.message == "invalid PD name 'zz' on element 'end'"
    assert diag.range == value(text, 'pd="zz"')


def test_ppc_priority(check: Check) -> None:
    text = system(pd("a", attrs=' priority="5"') + pd("b", attrs=' priority="5"')
                  + '    <channel>\n        <end pd="a" id="1" pp="true" />\n        <end pd="b" id="1" />\n'
                  "    </channel>")
    diag = only(check(text), "MK063")
    assert diag.message == ("PPCs must be to protection domains of strictly higher priorities; channel with PPC "
                            "exists from pd a (priority: 5) to pd b (priority: 5)")
    assert diag.range == value(text, 'pp="true"')


def test_duplicate_irq_number_and_ids(check: Check) -> None:
    text = system(pd("a", '        <irq irq="10" id="1" />\n        <irq irq="11" id="1" />\n')
                  + pd("b", '        <irq irq="10" id="2" />\n')
                  + '    <channel>\n        <end pd="a" id="3" />\n        <end pd="b" id="2" />\n    </channel>')
    diags = check(text)
    irq = only(diags, "MK054")
    assert irq.message == "duplicate irq: 10 in protection domain: 'b'"
    # The tool points at the PD; the two IRQs are related information.
    assert irq.range == value(text, 'name="b"')
    assert [r.range for r in irq.related] == [value(text, 'irq="10"', 1), value(text, 'irq="10"')]
    ids = sorted((d.message, d.range) for d in diags if d.code == "MK055")
    assert ids == [("duplicate channel id: 1 in protection domain: 'a'", value(text, 'name="a"')),
                   ("duplicate channel id: 2 in protection domain: 'b'", value(text, 'name="b"'))]


def test_child_ids(check: Check) -> None:
    child = '        <protection_domain name="{}" id="{}">\n            <program_image path="c" />\n' \
            "        </protection_domain>\n"
    text = system(pd("p", child.format("c1", 1) + child.format("c2", 1) + child.format("c3", 0)
                     + '        <virtual_machine name="vm">\n            <vcpu id="0" />\n'
                     "        </virtual_machine>\n"))
    diags = [d for d in check(text) if d.code == "MK058"]
    assert [d.message for d in diags] == [
        "duplicate id: 1 in protection domain: 'p'",
        "duplicate id: 0 clashes with virtual machine vcpu id in protection domain: 'p'"]
    assert diags[0].range == value(text, 'id="1"', 1)


def test_map_checks(check: Check) -> None:
    text = system('    <memory_region name="m" size="0x2000" />\n'
                  '    <memory_region name="big" size="0x2_000_000_000_000" />\n'
                  + pd("a", '        <map mr="nope" vaddr="0x1000" />\n'
                            '        <map mr="m" vaddr="0x1800" />\n'
                            '        <map mr="m" vaddr="0x10000" />\n'
                            '        <map mr="m" vaddr="0x11000" />\n'
                            '        <map mr="big" vaddr="0xe_000_000_000" />\n', ' stack_size="0x1000"'))
    diags = check(text)
    assert only(diags, "MK033").message == "invalid memory region name 'nope' on 'map'"
    assert only(diags, "MK034").message == "invalid vaddr alignment on 'map'"
    assert only(diags, "MK034").range == value(text, 'vaddr="0x1800"')
    overlap = only(diags, "MK036")
    assert overlap.message == ("map for 'm' has virtual address range [0x11000..0x13000) which overlaps with map "
                               "for 'm' [0x10000..0x12000) in protection domain 'a'")
    assert overlap.range == value(text, 'vaddr="0x11000"')
    assert overlap.related[0].range == value(text, 'vaddr="0x10000"')
    assert only(diags, "MK035").message == (
        "map for 'big' has virtual address range [0xe000000000..0x200e000000000) which exceeds valid address "
        "space [0x0..0xffffffd000)")


def test_phys_overlap_and_unused_region(check: Check) -> None:
    text = system('    <memory_region name="m1" size="0x2000" phys_addr="0x9000000" />\n'
                  '    <memory_region name="m2" size="0x1000" phys_addr="0x9001000" />\n' + pd("a"))
    diags = check(text)
    overlap = only(diags, "MK042")
    assert overlap.message == ("memory region 'm2' physical address range [0x9001000..0x9002000) overlaps with "
                               "another memory region 'm1' [0x9000000..0x9002000)")
    assert overlap.range == value(text, 'phys_addr="0x9001000"')
    unused = sorted(d.message for d in diags if d.code == "MK043")
    assert unused == ["unused memory region 'm1'", "unused memory region 'm2'"]
    assert all(d.severity == Severity.WARNING for d in diags if d.code == "MK043")


def test_cap_overlap_and_unknown_pd(check: Check, tmp_path: object) -> None:
    text = system(pd("a", "        <cspace>\n            <cap_tcb slot=\"3\" pd=\"a\" />\n"
                          '            <cap_vspace slot="3" pd="zz" />\n        </cspace>\n'))
    diags = check(text)
    assert only(diags, "MK081").message == "unknown PD name 'zz'"
    overlap = only(diags, "MK082")
    assert overlap.message == ("overlapping user caps in slot 3 of protection domain 'a':\n"
                               "  type Tcb from 'a' at 'test.system:6:13'\n"
                               "  type VSpace from 'zz' at 'test.system:7:13'")


def test_setvar_region_checks(check: Check) -> None:
    text = system('    <memory_region name="m" size="0x1000" />\n'
                  + pd("a", '        <map mr="m" vaddr="0x1000" setvar_prefill_size="n" />\n'
                            '        <setvar symbol="s" region_paddr="m" />\n'
                            '        <setvar symbol="t" region_paddr="missing" />\n'))
    diags = check(text)
    assert only(diags, "MK046").message == "'setvar_prefill_size' used for MR without a `prefill_path` @ 'm'"
    assert only(diags, "MK047").range == value(text, 'region_paddr="missing"')
    x86 = only(check(text, arch="x86_64"), "MK048")
    assert x86.message == "setvar with 'region_paddr' for MR without a specified paddr is unsupported on x86-64 @ 'm'"
    assert x86.range == value(text, 'name="m"')
    assert x86.related[0].range == value(text, 'region_paddr="m"')


def test_x86_vmm_rules(check: Check) -> None:
    text = system(pd("vmm", '        <virtual_machine name="vm">\n            <vcpu id="0" />\n'
                     '        </virtual_machine>\n        <protection_domain name="c" id="1">\n'
                     '            <program_image path="c" />\n        </protection_domain>\n', ' priority="10"')
                  + pd("caller", attrs=' priority="1"')
                  + '    <channel>\n        <end pd="caller" id="1" pp="true" />\n        <end pd="vmm" id="5" />\n'
                  "    </channel>")
    messages = sorted(d.message for d in check(text, arch="x86_64") if d.code == "MK075")
    assert messages == ["It is not possible for PD 'vmm' with a bound vCPU to have children on x86_64",
                        "It is not possible to PPC to PD 'vmm' with a bound vCPU from PD 'caller' on x86_64"]


def test_ioport_overlap(check: Check) -> None:
    text = system(pd("a", '        <ioport id="0" addr="0x3f8" size="8" />\n        <ioport id="0" addr="0x400" '
                     'size="4" />\n') + pd("b", '        <ioport id="1" addr="0x3fc" size="2" />\n'))
    diags = check(text, arch="x86_64")
    messages = sorted(d.message for d in diags if d.code == "MK057")
    assert messages == [
        "I/O port id: 1, half-open range: [0x3fc, 0x3fe) in protection domain: 'b' @ test.system:8:5 overlaps "
        "with I/O port id: 0, half-open range: [0x3f8, 0x400) in protection domain: 'a' @ test.system:3:5",
        "duplicate I/O port id: 0 in protection domain: 'a'"]


def test_iomap_checks(check: Check) -> None:
    text = system('    <memory_region name="big" size="0x200000" page_size="0x200000" />\n'
                  '    <memory_region name="small" size="0x2000" />\n'
                  '    <io_address_space name="dev" peripheral_id="0:3.0" domain_id="1">\n'
                  '        <iomap mr="big" iovaddr="0x0" />\n        <iomap mr="small" iovaddr="0x1000" />\n'
                  '        <iomap mr="small" iovaddr="0x1800" />\n        <iomap mr="nope" iovaddr="0x9000" />\n'
                  "    </io_address_space>\n" + pd("a"))
    diags = check(text, arch="x86_64", iommu=True)
    messages = {d.code + " " + d.message for d in diags}
    assert {
        "MK102 currently seL4 does not have large page support for the IOMMU",
        "MK034 invalid iovaddr alignment on 'iomap'",
        "MK033 invalid memory region name 'nope' on 'iomap'",
        "MK036 map for 'small' has io address range [0x1000..0x3000) which overlaps with map for 'big' "
        "[0x0..0x200000) in PCI device 00:03.0",
    } <= messages
    # Regions used by an iomap are used, although the tool's warning counts only maps.
    assert not [d for d in diags if d.code == "MK043"]


def test_vcpu_cpu_defaults_to_the_pd_core(check: Check) -> None:
    text = system(pd("vmm", '        <virtual_machine name="vm">\n            <vcpu id="0" />\n'
                            '            <vcpu id="1" cpu="5" />\n        </virtual_machine>\n', ' cpu="3"'))
    diags = check(text, cores=4)
    assert [d.message for d in diags] == ["cpu core must be less than 4, got 5 on element 'vcpu'"]
    assert diags[0].range == value(text, 'cpu="5"')
