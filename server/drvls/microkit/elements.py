"""Per-element checks for a protection domain and everything inside it, in the tool's order."""

from __future__ import annotations

from drvls.core.rules import RuleInfo
from drvls.microkit import codes, legacy
from drvls.microkit.checker import Checker, Context
from drvls.microkit.model import (
    CapMap,
    IoPort,
    Irq,
    Map,
    ProtectionDomain,
    RegionSetVar,
    Vcpu,
    VirtualMachine,
    attribute_issue,
    related_to,
    replace_value,
)
from drvls.microkit.values import parse_number, parse_pci
from drvls.microkit.xmltree import El

PD_ATTRS = frozenset({"name", "priority", "budget", "period", "passive", "stack_size", "smc", "cpu", "domain",
                      "fpu"})
CHILD_PD_ATTRS = PD_ATTRS | {"id", "setvar_id"}
MAP_ATTRS = frozenset({"mr", "vaddr", "perms", "cached"})
PD_MAP_ATTRS = MAP_ATTRS | {"setvar_vaddr", "setvar_size", "setvar_prefill_size"}
IRQ_ATTRS = {
    "irq": frozenset({"id", "setvar_id", "irq", "trigger"}),
    "pin": frozenset({"id", "setvar_id", "pin", "ioapic", "vector", "trigger", "polarity"}),
    "pcidev": frozenset({"id", "setvar_id", "pcidev", "vector", "handle"}),
}
CAP_KINDS = {"cap_tcb": "Tcb", "cap_sc": "Sc", "cap_vspace": "VSpace"}
MAX_PRIORITY = 254


def check_pd(chk: Checker, el: El, ctx: Context, parent: ProtectionDomain | None = None) -> ProtectionDomain:
    """`ProtectionDomain::from_xml`: attributes, then children depth-first."""
    target = ctx.target
    chk.attributes(el, CHILD_PD_ATTRS if parent is not None else PD_ATTRS, legacy.PD_ATTRS)
    name = chk.required(el, "name")
    child_id = None
    if parent is not None:
        child_id = chk.number(el, "id", required=True)
        if child_id is not None and child_id > 61:
            chk.report(codes.CHILD_ID_RANGE, f"child PD id {child_id} is above 61: it becomes a badge bit, "
                       "so it must be below 62 (the tool does not check this)", el, "id")
        chk.setvar(parent.setvars, el, "setvar_id")
    chk.budget_period(el)
    chk.boolean(el, "passive", False)
    smc = chk.boolean(el, "smc", False)
    if smc:
        if target.arch != "aarch64":
            chk.report(codes.SMC, "ARM SMC forwarding support is not available for this architecture", el, "smc")
        elif not target.smc:
            chk.value_error(codes.SMC, "Using SMC support without ARM SMC forwarding support enabled in the "
                            "kernel for this platform", el, "smc")
    chk.cpu(el)
    check_pd_domain(chk, el, ctx)
    stack_size = check_stack(chk, el)
    priority = chk.number(el, "priority")
    if priority is not None and priority > MAX_PRIORITY:
        chk.value_error(codes.PD_PRIORITY, "priority must be between 0 and 254", el, "priority")
    chk.boolean(el, "fpu", True)
    pd = ProtectionDomain(el=el, name=name, priority=priority or 0, stack_size=stack_size, child_id=child_id,
                          legacy_pp="pp" in el.attrs)
    check_pd_children(chk, el, pd, ctx)
    return pd


def check_pd_domain(chk: Checker, el: El, ctx: Context) -> None:
    domain = el.get("domain")
    if ctx.domains is None:
        if domain is not None and chk.target.at_least(2, 3):
            chk.value_error(codes.PD_DOMAIN, f"Specifying a domain '{domain}' without declaring a domain schedule "
                            "is not allowed:", el, "domain")
        return
    if domain is None:
        chk.report(codes.PD_DOMAIN, f"Missing required attribute 'domain' on element '{el.tag}'", el)
    elif domain not in ctx.domains:
        chk.value_error(codes.PD_DOMAIN, f"domain '{domain}' not declared in <domains>:", el, "domain")


def check_stack(chk: Checker, el: El) -> int:
    default = chk.target.default_stack_size()
    stack = chk.number(el, "stack_size")
    if stack is None:
        return default
    if not 0x1000 <= stack <= 0x1000000:
        chk.value_error(codes.PD_STACK, "stack size must be between 0x1000 bytes and 0x1000000 bytes", el,
                        "stack_size")
        return default
    if stack % 0x1000:
        chk.value_error(codes.PD_STACK, "stack size must be aligned to the smallest page size, 4096 bytes", el,
                        "stack_size")
        return default
    return stack


def check_pd_children(chk: Checker, el: El, pd: ProtectionDomain, ctx: Context) -> None:
    image_seen = False
    cspace_seen = False
    for child in el.children:
        tag = child.tag
        if tag == "program_image":
            if image_seen:
                on_pd(chk, codes.REPEATED_ELEMENT, "program_image must only be specified once", el, child)
            else:
                pd.program_image = child
            image_seen = True
            chk.attributes(child, {"path", "path_for_symbols"})
            chk.required(child, "path")
        elif tag == "map":
            pd.maps.append(check_map(chk, child, pd.setvars, chk.target.pd_vaddr_limit(pd.stack_size)))
        elif tag == "irq":
            pd.irqs.append(check_irq(chk, child, pd.setvars))
        elif tag == "ioport" and chk.newer("protection_domain", tag) is None:
            if not chk.target.x86:
                on_pd(chk, codes.IOPORT, "I/O Ports are only available on x86", el, child)
            pd.ioports.append(check_ioport(chk, child, pd.setvars))
        elif tag == "setvar":
            check_setvar(chk, child, pd)
        elif tag == "protection_domain":
            pd.children.append(check_pd(chk, child, ctx, pd))
        elif tag == "virtual_machine":
            check_vm_slot(chk, child, pd)
        elif tag == "cspace" and chk.newer("protection_domain", tag) is None:
            if cspace_seen:
                on_pd(chk, codes.REPEATED_ELEMENT, "cspace must only be specified once", el, child)
            cspace_seen = True
            check_cspace(chk, child, pd)
        else:
            chk.report(codes.INVALID_ELEMENT, f"Invalid XML element '{tag}'", child)
    if not image_seen:
        chk.report(codes.MISSING_ELEMENT, f"missing 'program_image' element on protection_domain: "
                   f"'{pd.name}'", el, "name")


def on_pd(chk: Checker, rule: RuleInfo, message: str, pd_el: El, child: El) -> None:
    """A `value_error` the tool raises on the PD about one of its children: the PD, with the child related."""
    chk.value_error(rule, message, pd_el, None, (related_to(child, None, f"the <{child.tag}>"),))


def check_vm_slot(chk: Checker, child: El, pd: ProtectionDomain) -> None:
    if not chk.target.hypervisor:
        on_pd(chk, codes.VM_UNAVAILABLE, "seL4 has not been built as a hypervisor, virtual machines are disabled",
              pd.el, child)
    vm = check_vm(chk, child, pd)
    if pd.vm is not None:
        on_pd(chk, codes.REPEATED_ELEMENT, "virtual_machine must only be specified once", pd.el, child)
    else:
        pd.vm = vm


def check_map(chk: Checker, el: El, symbols: dict[str, tuple[El, str]] | None, limit: int) -> Map:
    """A `<map>` in a PD (`symbols` given: setvar attributes allowed) or in a VM."""
    chk.attributes(el, PD_MAP_ATTRS if symbols is not None else MAP_ATTRS)
    mr = chk.required(el, "mr")
    vaddr = chk.number(el, "vaddr", required=True)
    perms = el.get("perms")
    if perms is not None:
        if any(c not in "rwx" for c in perms):
            chk.value_error(codes.MAP_PERMS, "perms must only be a combination of 'r', 'w', and 'x'", el, "perms")
        elif perms == "w":
            chk.value_error(codes.MAP_PERMS, "perms must not be 'w', write-only mappings are not allowed", el,
                            "perms", fixes=(replace_value(el, "perms", "rw", "Map read-write (perms=\"rw\")",
                                                          safe=True),))
        elif perms == "":
            chk.report(codes.EMPTY_PERMS, "perms=\"\" gives a mapping with no access rights; the Microkit tool "
                       "accepts it silently", el, "perms")
    chk.boolean(el, "cached", True)
    below_limit = vaddr is None or vaddr < limit
    if not below_limit:
        chk.value_error(codes.VADDR_LIMIT, f"vaddr ({vaddr:#x}) must be less than {limit:#x}", el, "vaddr")
    if symbols is not None:
        for attr in ("setvar_vaddr", "setvar_size", "setvar_prefill_size"):
            if attr in el.attrs:  # most maps set no symbol: no call for them
                chk.setvar(symbols, el, attr)
    return Map(el=el, mr=mr, vaddr=vaddr, setvar_prefill_size="setvar_prefill_size" in el.attrs,
               below_limit=below_limit)


def check_irq(chk: Checker, el: El, symbols: dict[str, tuple[El, str]]) -> Irq:
    x86 = chk.target.x86
    irq_id = chk.badge_id(el)
    chk.setvar(symbols, el, "setvar_id")
    kind = next((k for k in ("irq", "pin", "pcidev") if k in el.attrs), None)
    if kind is None:
        chk.report(codes.MISSING_ATTRIBUTE, f"Missing required attribute '{'pin' if x86 else 'irq'}' on element "
                   "'irq'", el)
        return Irq(el=el, id=irq_id, number=None, number_attr="id")
    if kind == "irq" and x86:
        chk.value_error(codes.IRQ_ARCH, "ARM and RISC-V IRQs are not supported on x86", el, "irq")
    elif kind == "pin" and not x86:
        chk.value_error(codes.IRQ_ARCH, "x86 I/O APIC IRQ isn't supported on ARM and RISC-V", el, "pin")
    elif kind == "pcidev" and not x86:
        chk.value_error(codes.IRQ_ARCH, "x86 MSI IRQ isn't supported on ARM and RISC-V", el, "pcidev")
    chk.attributes(el, IRQ_ATTRS[kind])
    if kind == "irq":
        number = chk.raw(el, "irq")
        check_choice(chk, el, "trigger", ("level", "edge"), "trigger must be either 'level' or 'edge'")
        return Irq(el=el, id=irq_id, number=number, number_attr="irq")
    if kind == "pin":
        ioapic = chk.raw(el, "ioapic", required=False)
        if ioapic is not None and ioapic < 0:
            chk.value_error(codes.IRQ_VALUE, "ioapic must be >= 0", el, "ioapic")
        pin = chk.raw(el, "pin")
        if pin is not None and pin < 0:
            chk.value_error(codes.IRQ_VALUE, "pin must be >= 0", el, "pin")
        check_choice(chk, el, "trigger", ("level", "edge"), "trigger must be either 'level' or 'edge'")
        check_choice(chk, el, "polarity", ("low", "high"), "polarity must be either 'low' or 'high'")
    else:
        text = chk.required(el, "pcidev")
        if text is not None:
            pci = parse_pci(text, legacy_colon=not chk.target.at_least(2, 3))
            if isinstance(pci, str):
                chk.value_error(codes.PCI_ADDRESS, pci, el, "pcidev")
        handle = chk.raw(el, "handle")
        if handle is not None and handle < 0:
            chk.value_error(codes.IRQ_VALUE, "handle must be >= 0", el, "handle")
    vector = chk.raw(el, "vector")
    if vector is not None and not 0 <= vector <= 107:
        chk.value_error(codes.IRQ_VALUE, "vector must be within [0..107]", el, "vector")
    return Irq(el=el, id=irq_id, number=vector, number_attr="vector")


def check_choice(chk: Checker, el: El, name: str, allowed: tuple[str, ...], message: str) -> None:
    value = el.get(name)
    if value is not None and value not in allowed:
        chk.value_error(codes.IRQ_VALUE, message, el, name)


def check_ioport(chk: Checker, el: El, symbols: dict[str, tuple[El, str]]) -> IoPort:
    chk.attributes(el, {"id", "addr", "size", "setvar_id", "setvar_addr"})
    port_id = chk.badge_id(el)
    chk.setvar(symbols, el, "setvar_id")
    chk.setvar(symbols, el, "setvar_addr")
    addr = chk.number(el, "addr", required=True)
    size = chk.raw(el, "size")
    if size is not None and size <= 0:
        chk.value_error(codes.IOPORT, "size must be > 0", el, "size")
        size = None
    return IoPort(el=el, id=port_id, addr=addr, size=size)


def check_setvar(chk: Checker, el: El, pd: ProtectionDomain) -> None:
    if "vaddr" in el.attrs:
        chk.issues.append(attribute_issue(codes.LEGACY_SETVAR, legacy.SETVAR_VADDR_MESSAGE, el, "vaddr"))
        chk.attributes(el, {"symbol", "region_paddr"}, frozenset({"vaddr"}))
        chk.setvar(pd.setvars, el, "symbol")
        return
    chk.attributes(el, {"symbol", "region_paddr"})
    chk.required(el, "symbol")
    region = chk.required(el, "region_paddr")
    chk.setvar(pd.setvars, el, "symbol")
    if region is not None:
        pd.region_setvars.append(RegionSetVar(el=el, mr=region))


def check_vm(chk: Checker, el: El, pd: ProtectionDomain) -> VirtualMachine:
    target = chk.target
    old_dialect = legacy.vm_dialect(el)
    allowed = {"name"}
    if target.arch == "aarch64" or not target.at_least(2, 3):
        allowed |= {"budget", "period", "priority"}
    chk.attributes(el, allowed, legacy.VM_ATTRS)
    for name in legacy.VM_ATTRS & el.attrs.keys():
        chk.issues.append(attribute_issue(codes.LEGACY_VM, legacy.vm_attr_message(name), el, name))
    vm = VirtualMachine(el=el, name=chk.required(el, "name"))
    if "budget" in allowed:
        chk.budget_period(el)
        priority = chk.number(el, "priority")
        if priority is not None and priority > MAX_PRIORITY:
            chk.report(codes.VM_PRIORITY, f"virtual machine priority {priority} is above 254: the Microkit tool "
                       f"accepts it and truncates it to {priority & 0xFF}", el, "priority")
    default_cpu = pd_cpu(pd.el.get("cpu"))
    vcpu_ids: dict[int, El] = {}
    for child in el.children:
        if child.tag == "vcpu":
            vm.vcpus.append(check_vcpu(chk, child, vm, vcpu_ids, default_cpu))
        elif child.tag == "map":
            vm.maps.append(check_map(chk, child, None, target.vm_vaddr_limit()))
        elif child.tag in legacy.VM_CHILDREN:
            chk.report(codes.LEGACY_VM, legacy.vm_child_message(child.tag), child)
        else:  # the tool points at the virtual machine
            chk.report(codes.INVALID_ELEMENT, f"invalid XML element '{child.tag}'", el, None,
                       (related_to(child, None, f"the <{child.tag}>"),))
    if not vm.vcpus and not old_dialect:
        chk.report(codes.MISSING_ELEMENT, f"missing 'vcpu' element on virtual_machine: '{vm.name}'", el, "name")
    return vm


def pd_cpu(text: str | None) -> int:
    """The parent PD's core, which a vCPU defaults to (since 2.3)."""
    value = parse_number(text) if text is not None else 0
    return value if isinstance(value, int) else 0


def check_vcpu(chk: Checker, el: El, vm: VirtualMachine, seen: dict[int, El], default_cpu: int) -> Vcpu:
    chk.attributes(el, {"id", "cpu", "setvar_id"})
    vcpu_id = chk.badge_id(el)
    cpu = el.get("cpu")
    parsed = parse_number(cpu) if cpu is not None else 0
    if isinstance(parsed, str):  # sdf.rs parses a vCPU's cpu with the virtual machine as the element
        chk.report(codes.BAD_INTEGER, f"failed to parse integer '{cpu}' on element '{vm.el.tag}': {parsed}", el,
                   "cpu")
    else:
        chk.cpu(el, default_cpu)
    if "setvar_id" in el.attrs:
        chk.report(codes.VCPU_SETVAR, "setvar_id on <vcpu> is ignored by the Microkit tool (it reads the "
                   "attribute from <virtual_machine>): no symbol is patched", el, "setvar_id")
    if vcpu_id is not None:
        first = seen.get(vcpu_id)
        if first is not None:
            chk.report(codes.VM_DUPLICATE, f"duplicate vcpu id {vcpu_id} in virtual machine '{vm.name}'", el, "id",
                       (related_to(first, "id", "first use of this vcpu id"),))
        else:
            seen[vcpu_id] = el
    return Vcpu(el=el, id=vcpu_id)


def check_cspace(chk: Checker, el: El, pd: ProtectionDomain) -> None:
    chk.attributes(el, set())
    for child in el.children:
        kind = CAP_KINDS.get(child.tag)
        if kind is None:
            if child.tag.startswith("cap_"):
                chk.report(codes.INVALID_ELEMENT, f"Cap type: '{child.tag.removeprefix('cap_')}' is not supported",
                           child)
            else:
                chk.report(codes.INVALID_ELEMENT, f"Element '{child.tag}' is not supported in a <cspace> element",
                           child)
            continue
        chk.attributes(child, {"slot", "pd"})
        slot = chk.number(child, "slot", required=True)
        target_pd = chk.required(child, "pd")
        if slot == 0:
            chk.value_error(codes.CAP_SLOT, "The destination slot 0 has been reserved for Microkit CNode", child,
                            "slot")
            slot = None
        elif slot is not None and slot >= 128:
            chk.value_error(codes.CAP_SLOT, "There are only 128 destination cspace slots available.", child, "slot")
            slot = None
        pd.caps.append(CapMap(el=child, kind=kind, slot=slot, pd=target_pd))
