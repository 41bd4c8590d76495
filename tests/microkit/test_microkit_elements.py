"""Per-element checks: code, the Microkit tool's exact message, and the exact range."""

from __future__ import annotations

import pytest
from drvls.core.diagnostics import Severity
from microkit_support import Check, find, only, span, system, tag, value

PD = '    <protection_domain name="a">\n        <program_image path="a.elf" />\n{}\n    </protection_domain>'
MR = '    <memory_region name="m" size="0x1000" />'


def pd_with(children: str, attrs: str = "") -> str:
    head = f'    <protection_domain name="a"{attrs}>'
    return system(f"{MR}\n{head}\n        <program_image path=\"a.elf\" />\n{children}\n"
                  "        <map mr=\"m\" vaddr=\"0x100000\" />\n    </protection_domain>")


def test_clean_system_has_no_diagnostics(check: Check) -> None:
    assert check(pd_with("")) == []


@pytest.mark.parametrize(("attrs", "code", "message", "needle"), [
    (' priority="255"', "MK020", "priority must be between 0 and 254 on element 'protection_domain'",
     'priority="255"'),
    (' budget="2000" period="1000"', "MK021",
     "budget (2000) must be less than, or equal to, period (1000) on element 'protection_domain'", 'budget="2000"'),
    (' period="500"', "MK021", "budget (1000) must be less than, or equal to, period (500) on element "
     "'protection_domain'", 'period="500"'),
    (' stack_size="0x10"', "MK022", "stack size must be between 0x1000 bytes and 0x1000000 bytes on element "
     "'protection_domain'", 'stack_size="0x10"'),
    (' stack_size="0x1001"', "MK022", "stack size must be aligned to the smallest page size, 4096 bytes on element "
     "'protection_domain'", 'stack_size="0x1001"'),
    (' passive="yes"', "MK015", "passive must be 'true' or 'false' on element 'protection_domain'", 'passive="yes"'),
    (' fpu="1"', "MK015", "fpu must be 'true' or 'false' on element 'protection_domain'", 'fpu="1"'),
    (' cpu="1"', "MK023", "cpu core must be less than 1, got 1 on element 'protection_domain'", 'cpu="1"'),
    (' foo="x"', "MK010", "invalid attribute 'foo' on element 'protection_domain'", 'foo="x"'),
    (' priority="0X10"', "MK012", "failed to parse integer '0X10' on element 'protection_domain': invalid digit "
     "found in string", 'priority="0X10"'),
    (' priority="99999999999999999999"', "MK012", "failed to parse integer '99999999999999999999' on element "
     "'protection_domain': number too large to fit in target type", 'priority="99999999999999999999"'),
    (' domain="d"', "MK026", "Specifying a domain 'd' without declaring a domain schedule is not allowed: on "
     "element 'protection_domain'", 'domain="d"'),
    (' id="1"', "MK010", "invalid attribute 'id' on element 'protection_domain'", 'id="1"'),
])
def test_pd_attribute_checks(check: Check, attrs: str, code: str, message: str, needle: str) -> None:
    text = pd_with("", attrs)
    diag = only(check(text), code)
    assert diag.message == message
    assert diag.range == value(text, needle)
    assert diag.severity == Severity.ERROR


@pytest.mark.parametrize("cpu", ["5", "256", "300"])
def test_cpu_out_of_range_has_one_shape_whatever_the_value(check: Check, cpu: str) -> None:
    text = pd_with("", f' cpu="{cpu}"')
    diag = only(check(text), "MK023")
    assert diag.message == f"cpu core must be less than 1, got {cpu} on element 'protection_domain'"
    assert diag.range == value(text, f'cpu="{cpu}"')
    assert [d.code for d in check(text)] == ["MK023"]


def test_missing_name_and_program_image(check: Check) -> None:
    text = system(f'{MR}\n    <protection_domain priority="1">\n        <map mr="m" vaddr="0x1000" />\n'
                  "    </protection_domain>")
    diags = check(text)
    missing = only(diags, "MK011")
    assert missing.message == "Missing required attribute 'name' on element 'protection_domain'"
    assert missing.range == tag(text, "<protection_domain")
    image = only(diags, "MK017")
    assert image.message == "missing 'program_image' element on protection_domain: 'None'"


def test_second_program_image_and_unknown_child(check: Check) -> None:
    text = pd_with('        <program_image path="b.elf" />\n        <foo />')
    diags = check(text)
    assert only(diags, "MK016").message == "program_image must only be specified once on element 'protection_domain'"
    # The tool reports it on the PD; the second image is related information.
    assert only(diags, "MK016").range == tag(text, "<protection_domain")
    assert only(diags, "MK016").related[0].range == tag(text, '<program_image path="b.elf"')
    assert only(diags, "MK014").message == "Invalid XML element 'foo'"
    assert only(diags, "MK014").range == tag(text, "<foo")


@pytest.mark.parametrize(("child", "code", "message", "needle"), [
    ('<map mr="m" vaddr="0x2000" perms="w" />', "MK030",
     "perms must not be 'w', write-only mappings are not allowed on element 'map'", 'perms="w"'),
    ('<map mr="m" vaddr="0x2000" perms="rq" />', "MK030",
     "perms must only be a combination of 'r', 'w', and 'x' on element 'map'", 'perms="rq"'),
    ('<map mr="m" vaddr="0x2000" cached="no" />', "MK015", "cached must be 'true' or 'false' on element 'map'",
     'cached="no"'),
    ('<map mr="m" vaddr="0x1000000000000000" />', "MK032",
     "vaddr (0x1000000000000000) must be less than 0xffffffc000 on element 'map'", 'vaddr="0x1000000000000000"'),
    ('<irq irq="5" id="62" />', "MK050", "id must be < 62 on element 'irq'", 'id="62"'),
    ('<irq irq="5" id="-1" />', "MK050", "id must be >= 0 on element 'irq'", 'id="-1"'),
    ('<irq irq="5" id="1" trigger="rising" />', "MK052", "trigger must be either 'level' or 'edge' on element 'irq'",
     'trigger="rising"'),
    ('<irq pin="5" vector="1" id="1" />', "MK051", "x86 I/O APIC IRQ isn't supported on ARM and RISC-V on element "
     "'irq'", 'pin="5"'),
    ('<irq pcidev="0:1.0" vector="1" handle="0" id="1" />', "MK051",
     "x86 MSI IRQ isn't supported on ARM and RISC-V on element 'irq'", 'pcidev="0:1.0"'),
    ('<setvar symbol="s" region_paddr="m" foo="1" />', "MK010", "invalid attribute 'foo' on element 'setvar'",
     'foo="1"'),
])
def test_pd_child_checks(check: Check, child: str, code: str, message: str, needle: str) -> None:
    text = pd_with("        " + child)
    diag = only(check(text), code)
    assert diag.message == message
    assert diag.range == value(text, needle)


def test_irq_without_kind_and_missing_id(check: Check) -> None:
    text = pd_with('        <irq trigger="edge" />')
    diags = check(text)
    messages = sorted(d.message for d in diags if d.code == "MK011")
    assert messages == ["Missing required attribute 'id' on element 'irq'",
                        "Missing required attribute 'irq' on element 'irq'"]
    assert all(d.range == tag(text, "<irq") for d in diags if d.code == "MK011")


def test_non_decimal_raw_integer_is_reported_instead_of_the_panic(check: Check) -> None:
    text = pd_with('        <irq irq="0x21" id="1" />')
    diag = only(check(text), "MK013")
    assert diag.range == value(text, 'irq="0x21"')
    assert diag.message.startswith("'0x21' is not a decimal integer")


def test_empty_perms_is_a_warning(check: Check) -> None:
    text = pd_with('        <map mr="m" vaddr="0x2000" perms="" />')
    diag = only(check(text), "MK031")
    assert diag.severity == Severity.WARNING
    assert diag.range == value(text, 'perms=""')


def test_duplicate_setvar_points_at_the_first(check: Check) -> None:
    text = pd_with('        <setvar symbol="s" region_paddr="m" />\n'
                   '        <map mr="m" vaddr="0x2000" setvar_vaddr="s" />')
    diag = only(check(text), "MK018")
    assert diag.message == "setvar on symbol 's' already exists on element 'map'"
    assert diag.range == value(text, 'setvar_vaddr="s"')
    assert diag.related[0].range == value(text, 'symbol="s"')


def test_child_pd_id_above_61_is_an_error(check: Check) -> None:
    text = pd_with('        <protection_domain name="c" id="62">\n            <program_image path="c.elf" />\n'
                   "        </protection_domain>")
    diag = only(check(text), "MK027")
    assert diag.range == value(text, 'id="62"')
    assert diag.severity == Severity.ERROR


def test_ioport_only_on_x86(check: Check) -> None:
    text = pd_with('        <ioport id="1" addr="0x3f8" size="8" />')
    diag = only(check(text), "MK056")
    assert diag.message == "I/O Ports are only available on x86 on element 'protection_domain'"
    assert diag.range == tag(text, "<protection_domain")
    assert diag.related[0].range == tag(text, "<ioport")
    assert not [d for d in check(text, arch="x86_64") if d.code == "MK056"]


def test_smc_needs_forwarding(check: Check) -> None:
    text = pd_with("", ' smc="true"')
    assert check(text) == []
    diag = only(check(text, smc=False), "MK025")
    assert diag.message == ("Using SMC support without ARM SMC forwarding support enabled in the kernel for this "
                            "platform on element 'protection_domain'")
    assert only(check(text, arch="riscv64", hypervisor=False), "MK025").message == (
        "ARM SMC forwarding support is not available for this architecture")


def test_memory_region_checks(check: Check) -> None:
    text = system('    <memory_region name="a" size="0x1001" />\n'
                  '    <memory_region name="b" size="0x1000" page_size="0x3000" />\n'
                  '    <memory_region name="c" size="0x1000" phys_addr="0x10" />\n'
                  '    <memory_region name="d" />\n'
                  '    <memory_region name="e" size="0x0" />\n'
                  '    <memory_region name="f" size="0x1000" prefill_bootinfo="nope" />\n'
                  '    <protection_domain name="p">\n        <program_image path="p" />\n'
                  + "".join(f'        <map mr="{n}" vaddr="{0x100000 * (i + 1):#x}" />\n'
                            for i, n in enumerate("abcdef"))
                  + "    </protection_domain>")
    diags = {d.code + d.message: d for d in check(text)}
    assert diags["MK038size is not a multiple of the page size on element 'memory_region'"].range == \
        value(text, 'size="0x1001"')
    assert diags["MK040page size 0x3000 not supported on element 'memory_region'"].range == \
        value(text, 'page_size="0x3000"')
    assert diags["MK041phys_addr is not aligned to the page size on element 'memory_region'"].range == \
        value(text, 'phys_addr="0x10"')
    assert diags["MK038size must be specified if memory region is not prefilled on element 'memory_region'"].range == \
        tag(text, '<memory_region name="d"')
    assert diags["MK045BootInfoMap type: 'nope' is not supported on element 'memory_region'"].range == \
        value(text, 'prefill_bootinfo="nope"')
    zero = [d for d in diags.values() if d.code == "MK039"]
    assert len(zero) == 1 and zero[0].severity == Severity.WARNING


def test_prefill_lookup(check: Check, tmp_path: object) -> None:
    text = system('    <memory_region name="a" prefill_path="data.bin" />\n' + PD.format(
        '        <map mr="a" vaddr="0x100000" />'))
    diag = only(check(text), "MK044")
    assert diag.message == "unable to find prefill file: 'data.bin' on element 'memory_region'"
    assert diag.range == value(text, 'prefill_path="data.bin"')


def test_channel_checks(check: Check) -> None:
    body = (PD.format("") + "\n" + PD.replace('name="a"', 'name="b"').format("") + "\n"
            '    <channel>\n        <end pd="a" id="1" pp="true" />\n        <end pd="b" id="1" pp="true" />\n'
            '    </channel>\n'
            '    <channel foo="1">\n        <end pd="a" id="2" />\n        <ending pd="b" id="2" />\n    </channel>\n'
            '    <channel>\n        <end pd="a" id="3" notify="maybe" />\n        <end pd="a" id="4" />\n'
            '    </channel>')
    text = system(body)
    diags = check(text)
    bidir = only(diags, "MK062")
    assert bidir.message == "cannot ppc bidirectionally on element 'channel'"
    assert bidir.range == tag(text, "<channel>")
    assert only(diags, "MK010").message == "invalid attribute 'foo' on element 'channel'"
    assert only(diags, "MK014").message == "invalid XML element 'ending'"
    assert only(diags, "MK061").range == tag(text, '<channel foo="1">')
    assert only(diags, "MK015").message == "notify must be 'true' or 'false' on element 'end'"
    self_channel = only(diags, "MK064")
    assert self_channel.severity == Severity.WARNING
    assert self_channel.range == value(text, 'pd="a"', 3)


def test_vm_checks(check: Check) -> None:
    text = system(MR + "\n" + PD.format(
        '        <virtual_machine name="vm" priority="300">\n'
        '            <vcpu id="0" setvar_id="x" />\n            <vcpu id="0" />\n'
        '            <map mr="m" vaddr="0x0" />\n            <foo />\n'
        "        </virtual_machine>"))
    diags = check(text)
    assert only(diags, "MK073").severity == Severity.WARNING
    assert only(diags, "MK073").range == value(text, 'priority="300"')
    assert only(diags, "MK074").range == value(text, 'setvar_id="x"')
    dup = only(diags, "MK072")
    assert dup.message == "duplicate vcpu id 0 in virtual machine 'vm'"
    assert dup.range == value(text, 'id="0"', 1)
    assert only(diags, "MK014").message == "invalid XML element 'foo'"


def test_vm_needs_hypervisor_and_vcpus(check: Check) -> None:
    text = system(MR + "\n" + PD.format('        <virtual_machine name="vm">\n'
                                        '            <map mr="m" vaddr="0x0" />\n        </virtual_machine>'))
    diags = check(text, hypervisor=False)
    assert only(diags, "MK070").message == ("seL4 has not been built as a hypervisor, virtual machines are disabled "
                                            "on element 'protection_domain'")
    assert only(diags, "MK017").message == "missing 'vcpu' element on virtual_machine: 'vm'"


def test_vm_directly_under_system(check: Check) -> None:
    text = system('    <virtual_machine name="vm" />\n' + PD.format(""))
    diag = only(check(text), "MK071")
    assert diag.message == "virtual machine must be a child of a protection domain"
    assert diag.range == tag(text, "<virtual_machine")


def test_cspace_checks(check: Check) -> None:
    text = pd_with('        <cspace>\n            <cap_sc slot="0" pd="a" />\n'
                   '            <cap_tcb slot="128" pd="a" />\n            <cap_foo slot="1" pd="a" />\n'
                   "            <other />\n        </cspace>")
    diags = check(text)
    slots = sorted(d.message for d in diags if d.code == "MK080")
    assert slots == ["The destination slot 0 has been reserved for Microkit CNode on element 'cap_sc'",
                     "There are only 128 destination cspace slots available. on element 'cap_tcb'"]
    invalid = sorted(d.message for d in diags if d.code == "MK014")
    assert invalid == ["Cap type: 'foo' is not supported", "Element 'other' is not supported in a <cspace> element"]


def test_domains(check: Check) -> None:
    text = system('    <domains>\n        <domain name="d1" id="1" />\n        <domain name="d1" id="1" />\n'
                  '        <domain name="d3" id="20" />\n'
                  '        <domain_schedule start_index="5">\n'
                  '            <schedule_entry domain="d9" duration="100us" />\n'
                  '            <schedule_entry domain="d1" duration="0 us" />\n'
                  '            <schedule_entry domain="d1" duration="5 ms" />\n'
                  "        </domain_schedule>\n    </domains>\n"
                  '    <protection_domain name="a">\n        <program_image path="a" />\n'
                  "    </protection_domain>\n"
                  '    <protection_domain name="b" domain="zz">\n        <program_image path="a" />\n'
                  "    </protection_domain>")
    messages = {d.message for d in check(text)}
    assert {
        "Each <domain>'s id element must be unique found existing domain 'd1' with id '1' on element 'domain'",
        "Each <domain>'s name element must be unique found existing domain 'd1' with id 'Some(1)' on element "
        "'domain'",
        "domain id 20 should be less than the configured KernelNumDomains value of 16 on element 'domain'",
        "domain 'd9' does not exist, on element 'schedule_entry'",
        "The duration '100us' must contain a value and a unit, e.g. '1000 us' on element 'schedule_entry'",
        "The duration '0 us' must be non-zero on element 'schedule_entry'",
        "The duration '5 ms' must be in either 'ticks' or 'us' on element 'schedule_entry'",
        "schedule_start_index '5' is greater than the length of the schedule '3' on element 'domain_schedule'",
        "Missing required attribute 'domain' on element 'protection_domain'",
        "domain 'zz' not declared in <domains>: on element 'protection_domain'",
    } <= messages


def test_domain_count_off_by_one_is_a_warning(check: Check) -> None:
    domains = "".join(f'        <domain name="d{i}" />\n' for i in range(3))
    text = system(f"    <domains>\n{domains}        <domain_schedule>\n"
                  '            <schedule_entry domain="d0" duration="1 us" />\n'
                  "        </domain_schedule>\n    </domains>\n"
                  '    <protection_domain name="a" domain="d0">\n        <program_image path="a" />\n'
                  "    </protection_domain>")
    assert only(check(text, num_domains=2), "MK093").severity == Severity.WARNING
    assert only(check(text, num_domains=1), "MK092").message == "Number of domains exceeds 1 on element 'domains'"
    assert check(text, num_domains=3) == []
    assert only(check(text, cores=2), "MK090").message == (
        "The domain scheduler is not supported in multicore builds of seL4")


def test_io_address_space(check: Check) -> None:
    text = system('    <memory_region name="r" size="0x1000" />\n'
                  '    <io_address_space name="dev" peripheral_id="0:3.0" domain_id="1">\n'
                  '        <iomap mr="r" iovaddr="0x8000000000" perms="x" />\n    </io_address_space>\n'
                  '    <io_address_space name="dev" peripheral_id="0:3.0" domain_id="1" />\n' + PD.format(""))
    diags = check(text, arch="x86_64", iommu=True)
    messages = {d.code + " " + d.message for d in diags}
    assert {
        "MK102 perms for io mapped memory must only be a combination of 'r' and 'w' on element 'iomap'",
        "MK102 iovaddr (0x8000000000) must be less than 0x8000000000 on element 'iomap'",
        "MK101 duplicate name 'dev' on element 'io_address_space'",
        "MK101 duplicate device peripheral_id 'PCI device 00:03.0' on element 'io_address_space'",
        "MK101 reusing a domain id is forbidden on element 'io_address_space'",
    } <= messages
    no_iommu = check(text, arch="x86_64", iommu=False)
    assert [d.message for d in no_iommu if d.code == "MK100"] == [
        "io address space requires seL4 to be built with IOMMU support"] * 2
    arm = [d.message for d in check(text) if d.code == "MK101" and "failed" in d.message]
    assert arm[0] == ("failed to parse device peripheral_id '0:3.0': IOMMU device identifiers are not supported on "
                      "AArch64 on element 'io_address_space'")


def test_x86_irqs(check: Check) -> None:
    text = pd_with('        <irq pin="1" vector="108" id="1" polarity="up" />\n'
                   '        <irq pcidev="0:20.0" vector="2" handle="0" id="2" />\n'
                   '        <irq irq="5" id="3" />')
    diags = check(text, arch="x86_64")
    messages = {d.message for d in diags}
    assert {"vector must be within [0..107] on element 'irq'",
            "polarity must be either 'low' or 'high' on element 'irq'",
            "PCI device must be within [0..31] on element 'irq'",
            "ARM and RISC-V IRQs are not supported on x86 on element 'irq'"} <= messages


def test_text_inside_system(check: Check) -> None:
    text = system("    hello\n" + PD.format(""))
    diag = only(check(text), "MK005")
    assert diag.message == "unexpected text found in element 'system'"
    assert diag.range == find(text, "hello")


def test_version_gates_newer_attributes(check: Check) -> None:
    text = pd_with("", ' fpu="true"')
    assert check(text) == []
    diag = only(check(text, version="2.2"), "MK114")
    assert diag.message == "invalid attribute 'fpu' on element 'protection_domain' (added in Microkit 2.3)"


def test_unknown_entity_and_duplicate_attribute(check: Check) -> None:
    text = pd_with('        <map mr="m" mr="m" vaddr="0x2000" />', ' priority="&x;"')
    diags = check(text)
    assert only(diags, "MK003").range == find(text, "&x;")
    dup = only(diags, "MK002")
    assert dup.message == "attribute 'mr' is already defined"
    assert dup.range == find(text, 'mr="m"', 1)


def test_ranges_with_crlf_bom_and_non_ascii(check: Check) -> None:
    text = pd_with("", ' priority="999"').replace('name="a"', 'name="äé€"')
    crlf = "\ufeff" + text.replace("\n", "\r\n")
    diag = only(check(crlf), "MK020")
    assert diag.range == value(text, 'priority="999"')


def test_text_after_an_element_is_a_nameless_text_node(check: Check) -> None:
    """The tool checks each later text node by itself; a text node's tag name is empty."""
    text = system("    hello\n" + PD.format("") + "\n    tail &amp; more\n    <!-- c -->x")
    diags = [d for d in check(text) if d.code == "MK005"]
    assert [(d.message, d.range) for d in diags] == [
        ("unexpected text found in element 'system'", find(text, "hello")),
        ("unexpected text found in element ''", find(text, "tail &amp; more")),
        ("unexpected text found in element ''", span(text, text.index("-->x") + 3, text.index("-->x") + 4)),
    ]
