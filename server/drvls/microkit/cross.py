"""Cross-element checks after the whole tree is read, in the tool's fixed order; all linear or n·log n."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from drvls.core.rules import RuleInfo
from drvls.microkit import codes, legacy
from drvls.microkit.model import (
    Channel,
    Domains,
    IoAddressSpace,
    Issue,
    Map,
    MemoryRegion,
    ProtectionDomain,
    attribute_issue,
    closest_name,
    issue,
    related_to,
    replace_value,
)
from drvls.microkit.target import Target
from drvls.microkit.values import round_up, written_like
from drvls.microkit.xmltree import El

MAX_PDS = 63
IOVA_LIMIT = 1 << 39

# Formats an element's location as the tool prints it: `file:row:col`.
Locate = Callable[[El], str]
# An element's byte offset in the analysed text.
Offset = Callable[[El], int]


def _offset(el: El) -> int:
    return el.anchor.base + el.start


@dataclass
class System:
    """The assembled model of a `<system>`: its top-level elements, in document order, by kind."""

    el: El
    pds: list[ProtectionDomain] = field(default_factory=list)  # top level, document order
    mrs: list[MemoryRegion] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    spaces: list[IoAddressSpace] = field(default_factory=list)
    domains: list[Domains] = field(default_factory=list)  # every <domains> (only the first counts)


@dataclass
class Memo:
    """Results reused across edits: region-only checks while no region changed, per-PD map checks."""

    regions: list[MemoryRegion] = field(default_factory=list)
    table: dict[str, MemoryRegion] = field(default_factory=dict)
    region_issues: list[Issue] = field(default_factory=list)
    maps: dict[int, tuple[ProtectionDomain, list[Issue]]] = field(default_factory=dict)

    def refresh(self, mrs: list[MemoryRegion]) -> None:
        """Recompute region-only results when the list of region models is not the same as before."""
        if len(mrs) == len(self.regions) and all(a is b for a, b in zip(mrs, self.regions, strict=True)):
            return
        self.regions = list(mrs)
        self.maps = {}
        self.table = {}
        for mr in mrs:
            if mr.name is not None:
                self.table.setdefault(mr.name, mr)
        self.region_issues = []
        check_duplicates([(mr.name, mr.el) for mr in mrs], "duplicate memory region name '{}'.", codes.MR_NAME,
                         self.region_issues)
        check_phys_overlap(mrs, self.region_issues)


def check_system(system: System, target: Target, locate: Locate, memo: Memo | None = None,
                 offset: Offset = _offset) -> list[Issue]:
    out: list[Issue] = []
    memo = memo if memo is not None else Memo()
    memo.refresh(system.mrs)
    mrs = memo.table
    flat = [pd for top in system.pds for pd in top.walk()]
    by_name: dict[str, ProtectionDomain] = {}
    for pd in flat:
        if pd.name is not None:
            by_name.setdefault(pd.name, pd)
    check_legacy_pp(flat, system.channels, out)
    check_child_ids(flat, out)
    check_cap_pds(flat, by_name, out)
    check_pd_count_and_names(system, flat, out)
    out.extend(memo.region_issues)
    check_duplicates([(pd.vm.name, pd.vm.el) for pd in flat if pd.vm is not None],
                     "duplicate virtual machine name '{}'.", codes.VM_DUPLICATE, out)
    if target.x86:
        for pd in flat:
            if pd.vm is not None and pd.children:
                out.append(issue(codes.X86_VMM, f"It is not possible for PD '{pd.name}' with a bound vCPU to have "
                                 "children on x86_64", pd.el, "name"))
    check_irqs(flat, out)
    check_channels(system.channels, by_name, target, out)
    check_ioports(flat, locate, out, offset)
    check_all_maps(flat, mrs, target, memo, out)
    check_io_spaces(system.spaces, mrs, out)
    check_caps(flat, locate, out)
    check_unused(system.mrs, flat, system.spaces, out)
    check_region_setvars(flat, mrs, target, out)
    return out


def check_legacy_pp(flat: list[ProtectionDomain], channels: list[Channel], out: list[Issue]) -> None:
    if not any(pd.legacy_pp for pd in flat):
        return
    priorities = {pd.name: pd.priority for pd in flat if pd.name is not None}
    for pd in flat:
        if pd.legacy_pp:
            fix = legacy.pp_fix(pd, channels, priorities)
            found = attribute_issue(codes.LEGACY_PP, legacy.PD_PP_MESSAGE, pd.el, legacy.PP)
            out.append(replace(found, fixes=(fix,)) if fix is not None else found)


def check_child_ids(flat: list[ProtectionDomain], out: list[Issue]) -> None:
    for parent in flat:
        seen: dict[int, El] = {}
        vcpus = {v.id: v.el for v in parent.vm.vcpus if v.id is not None} if parent.vm else {}
        for child in parent.children:
            if child.child_id is None:
                continue
            first = seen.get(child.child_id)
            if first is not None:
                out.append(issue(codes.CHILD_ID_DUPLICATE, f"duplicate id: {child.child_id} in protection domain: "
                                 f"'{parent.name}'", child.el, "id", (related_to(first, "id", "first use"),)))
                continue
            seen[child.child_id] = child.el
            vcpu = vcpus.get(child.child_id)
            if vcpu is not None:
                out.append(issue(codes.CHILD_ID_DUPLICATE, f"duplicate id: {child.child_id} clashes with virtual "
                                 f"machine vcpu id in protection domain: '{parent.name}'", child.el, "id",
                                 (related_to(vcpu, "id", "vcpu id"),)))


def check_cap_pds(flat: list[ProtectionDomain], by_name: dict[str, ProtectionDomain], out: list[Issue]) -> None:
    for pd in flat:
        for cap in pd.caps:
            if cap.pd is not None and cap.pd not in by_name:
                out.append(issue(codes.CAP_PD, f"unknown PD name '{cap.pd}'", cap.el, "pd",
                                 fixes=(closest_name(cap.el, "pd", cap.pd, by_name, "protection domain"),)))


def check_pd_count_and_names(system: System, flat: list[ProtectionDomain], out: list[Issue]) -> None:
    if not flat:
        out.append(issue(codes.PD_COUNT, "at least one protection domain must be defined", system.el))
    elif len(flat) > MAX_PDS:
        out.append(issue(codes.PD_COUNT, f"too many protection domains ({len(flat)}) defined. Maximum is 63.",
                         flat[MAX_PDS].el, "name"))
    check_duplicates([(pd.name, pd.el) for pd in flat], "duplicate protection domain name '{}'.", codes.PD_NAME, out)
    for pd in flat:
        if pd.name == "monitor":
            out.append(issue(codes.PD_NAME, "the PD name 'monitor' is reserved for the Microkit Monitor.", pd.el,
                             "name"))


def check_duplicates(items: list[tuple[str | None, El]], template: str, rule: RuleInfo, out: list[Issue]) -> None:
    seen: dict[str, El] = {}
    taken = {name for name, _ in items if name is not None}
    for name, el in items:
        if name is None:
            continue
        first = seen.get(name)
        if first is not None:
            fresh = free_name(name, taken)
            taken.add(fresh)
            out.append(issue(rule, template.format(name), el, "name", (related_to(first, "name", "first definition"),),
                             (replace_value(el, "name", fresh, f"Rename this one to '{fresh}'"),)))
        else:
            seen[name] = el


def free_name(name: str, taken: set[str]) -> str:
    """`name_2`, `name_3`, … : the first that nothing in `taken` uses."""
    n = 2
    while f"{name}_{n}" in taken:
        n += 1
    return f"{name}_{n}"


def check_irqs(flat: list[ProtectionDomain], out: list[Issue]) -> None:
    """IRQ numbers unique system-wide; IRQ ids unique per PD (channel ends are checked against them later)."""
    numbers: dict[int, El] = {}
    for pd in flat:
        for irq in pd.irqs:
            if irq.number is None:
                continue
            first = numbers.get(irq.number)
            if first is not None:
                # The tool reports this at the PD; the IRQ is given as related information.
                out.append(issue(codes.IRQ_DUPLICATE, f"duplicate irq: {irq.number} in protection domain: "
                                 f"'{pd.name}'", pd.el, "name",
                                 (related_to(irq.el, irq.number_attr, "this IRQ"),
                                  related_to(first, irq.number_attr, "first claimed here"))))
            else:
                numbers[irq.number] = irq.el
        out.extend(pd.irq_id_issues())


def check_channels(channels: list[Channel], by_name: dict[str, ProtectionDomain], target: Target,
                   out: list[Issue]) -> None:
    """One pass over channels: end PDs exist, setvar clashes, ids against IRQs and other ends, PPC rules."""
    end_ids: dict[int, dict[int, El]] = {}
    clashes: list[tuple[int, ProtectionDomain, El]] = []  # (index in out, PD, end) of each duplicate id
    for channel in channels:
        ends = channel.ends
        complete = len(ends) == 2
        for end in ends:
            name = end.pd
            if name is None:
                continue
            pd = by_name.get(name)
            if pd is None:
                out.append(issue(codes.CHANNEL_PD, f"invalid PD name '{name}' on element 'end'", end.el, "pd",
                                 fixes=(closest_name(end.el, "pd", name, by_name, "protection domain"),)))
                continue
            if end.setvar_id is not None:
                first_set = pd.setvars.get(end.setvar_id)
                if first_set is not None:
                    out.append(issue(codes.DUPLICATE_SETVAR, f"setvar on symbol '{end.setvar_id}' already exists on "
                                     "element 'channel'", end.el, "setvar_id",
                                     (related_to(first_set[0], first_set[1], "first set here"),)))
            if end.id is None or not complete:
                continue
            used = end_ids.get(id(pd))
            if used is None:
                used = end_ids[id(pd)] = {}
            first = pd.irq_ids().get(end.id) or used.get(end.id)
            if first is not None:
                # The tool reports this at the PD; the end is given as related information.
                clashes.append((len(out), pd, end.el))
                out.append(issue(codes.DUPLICATE_ID, f"duplicate channel id: {end.id} in protection domain: "
                                 f"'{pd.name}'", pd.el, "name",
                                 (related_to(end.el, "id", "this channel end"), related_to(first, "id", "first use"))))
            else:
                used[end.id] = end.el
        if complete and (ends[0].pp or ends[1].pp):
            check_ppc(channel, by_name, target, out)
    offer_free_ids(clashes, end_ids, out)


def offer_free_ids(clashes: list[tuple[int, ProtectionDomain, El]], end_ids: dict[int, dict[int, El]],
                   out: list[Issue]) -> None:
    """Each duplicate channel id gets the fix "use the lowest id its PD has free" (ids 0–61)."""
    taken: dict[int, set[int]] = {}
    for at, pd, end_el in clashes:
        used = taken.setdefault(id(pd), set(end_ids.get(id(pd), {})) | set(pd.irq_ids()))
        free = next((n for n in range(62) if n not in used), None)
        if free is None:
            continue
        used.add(free)
        plan = replace_value(end_el, "id", str(free), f"Use the free channel id {free} of '{pd.name}'")
        if plan is not None:
            out[at] = replace(out[at], fixes=(plan,))


def check_ppc(channel: Channel, by_name: dict[str, ProtectionDomain], target: Target, out: list[Issue]) -> None:
    ends = channel.ends
    for caller_end, callee_end in ((ends[0], ends[1]), (ends[1], ends[0])):
        if not caller_end.pp or callee_end.pp:
            continue
        caller = by_name.get(caller_end.pd or "")
        callee = by_name.get(callee_end.pd or "")
        if caller is None or callee is None:
            continue
        if caller.priority >= callee.priority:
            out.append(issue(codes.PPC_PRIORITY, "PPCs must be to protection domains of strictly higher "
                             f"priorities; channel with PPC exists from pd {caller.name} (priority: "
                             f"{caller.priority}) to pd {callee.name} (priority: {callee.priority})",
                             caller_end.el, "pp"))
        if target.x86 and callee.vm is not None:
            # The tool points at the PD of the channel's first end, whichever end calls.
            first, other = (caller, callee) if caller_end is ends[0] else (callee, caller)
            out.append(issue(codes.X86_VMM, f"It is not possible to PPC to PD '{callee.name}' with a bound vCPU "
                             f"from PD '{caller.name}' on x86_64", first.el, "name",
                             (related_to(caller_end.el, "pp", "the PPC"),
                              related_to(other.el, "name", "the other PD of the channel"))))


def check_ioports(flat: list[ProtectionDomain], locate: Locate, out: list[Issue], offset: Offset = _offset) -> None:
    ranges = []
    for pd in flat:
        seen: dict[int, El] = {}
        for port in pd.ioports:
            if port.id is not None:
                first = seen.get(port.id)
                if first is not None:
                    out.append(issue(codes.IOPORT_DUPLICATE, f"duplicate I/O port id: {port.id} in protection "
                                     f"domain: '{pd.name}'", pd.el, "name",
                                     (related_to(port.el, "id", "this I/O port"),
                                      related_to(first, "id", "first use"))))
                else:
                    seen[port.id] = port.el
            if port.addr is not None and port.size is not None:
                ranges.append((port.addr, port.addr + port.size, port, pd))
    ranges.sort(key=lambda r: (r[0], r[1]))
    widest = None
    for item in ranges:
        if widest is not None and item[0] < widest[1]:
            a, b = (widest, item) if offset(widest[2].el) < offset(item[2].el) else (item, widest)
            out.append(issue(codes.IOPORT_DUPLICATE, f"I/O port id: {b[2].id}, half-open range: [{b[0]:#x}, "
                             f"{b[1]:#x}) in protection domain: '{b[3].name}' @ {locate(b[3].el)} overlaps with I/O "
                             f"port id: {a[2].id}, half-open range: [{a[0]:#x}, {a[1]:#x}) in protection domain: "
                             f"'{a[3].name}' @ {locate(a[3].el)}", b[2].el, "addr",
                             (related_to(a[2].el, "addr", "overlapping I/O port"),)))
        if widest is None or item[1] > widest[1]:
            widest = item


def check_all_maps(flat: list[ProtectionDomain], mrs: dict[str, MemoryRegion], target: Target, memo: Memo,
                   out: list[Issue]) -> None:
    """PD maps, then VM maps; a PD whose element and the regions are unchanged reuses its results."""
    fresh: dict[int, tuple[ProtectionDomain, list[Issue]]] = {}
    for pd in flat:
        hit = memo.maps.get(id(pd))
        if hit is not None and hit[0] is pd:
            found = hit[1]
        else:
            found = []
            check_maps(pd.maps, mrs, target.pd_vaddr_limit(pd.stack_size), f"protection domain '{pd.name}'",
                       "map", found)
            if pd.vm is not None:
                check_maps(pd.vm.maps, mrs, target.vm_vaddr_limit(), f"virtual machine '{pd.vm.name}'", "map",
                           found)
        fresh[id(pd)] = (pd, found)
        out.extend(found)
    memo.maps = fresh


def check_maps(maps: list[Map], mrs: dict[str, MemoryRegion], limit: int, owner: str, kind: str,
               out: list[Issue]) -> None:
    """`check_maps`: region exists, alignment, overflow, range, then overlaps in this address space."""
    addr = "vaddr" if kind == "map" else "iovaddr"
    space = "virtual address range" if kind == "map" else "io address range"
    placed: list[tuple[int, int, int, Map, str]] = []
    for order, m in enumerate(maps):
        if m.mr is None or m.vaddr is None:
            continue
        mr = mrs.get(m.mr)
        if mr is None:
            out.append(issue(codes.MAP_MR, f"invalid memory region name '{m.mr}' on '{kind}'", m.el, "mr",
                             fixes=(closest_name(m.el, "mr", m.mr, mrs, "memory region"),)))
            continue
        if m.vaddr % mr.check_page_size:
            text = written_like(m.el.get(addr) or "", round_up(m.vaddr, mr.check_page_size))
            out.append(issue(codes.MAP_ALIGN, f"invalid {addr} alignment on '{kind}'", m.el, addr,
                             fixes=(replace_value(m.el, addr, text, f"Round {addr} up to the page size ({text})",
                                                  safe=True),)))
            continue
        if mr.size is None or not m.below_limit:  # a vaddr too high is one problem, reported already
            continue
        end = m.vaddr + mr.size
        if end > (1 << 64) - 1:
            out.append(issue(codes.MAP_RANGE, f"{kind} for '{m.mr}' has address range that overflows", m.el, addr))
            continue
        if end > limit:
            out.append(issue(codes.MAP_RANGE, f"{kind} for '{m.mr}' has {space} [{m.vaddr:#x}..{end:#x}) which "
                             f"exceeds valid address space [0x0..{limit:#x})", m.el, addr))
            continue
        placed.append((m.vaddr, end, order, m, m.mr))
    placed.sort(key=lambda p: (p[0], p[2]))
    widest = None
    for item in placed:
        if widest is not None and item[0] < widest[1] and item[0] < item[1]:
            first, second = (widest, item) if widest[2] < item[2] else (item, widest)
            out.append(issue(codes.MAP_OVERLAP, f"map for '{second[4]}' has {space} [{second[0]:#x}.."
                             f"{second[1]:#x}) which overlaps with map for '{first[4]}' [{first[0]:#x}.."
                             f"{first[1]:#x}) in {owner}", second[3].el, addr,
                             (related_to(first[3].el, addr, "overlapping map"),)))
        if widest is None or item[1] > widest[1]:
            widest = item


def check_io_spaces(spaces: list[IoAddressSpace], mrs: dict[str, MemoryRegion], out: list[Issue]) -> None:
    names: dict[str, El] = {}
    devices: dict[str, El] = {}
    domain_ids: dict[int, El] = {}
    for space in spaces:
        for key, table, message, attr in ((space.name, names, f"duplicate name '{space.name}'", "name"),
                                          (space.device, devices,
                                           f"duplicate device peripheral_id '{space.device}'", "peripheral_id")):
            if key is None:
                continue
            if key in table:
                out.append(issue(codes.IO_SPACE, f"{message} on element 'io_address_space'", space.el, attr,
                                 (related_to(table[key], attr, "first definition"),)))
            else:
                table[key] = space.el
        if space.domain_id is not None:
            if space.domain_id in domain_ids:
                out.append(issue(codes.IO_SPACE, "reusing a domain id is forbidden on element 'io_address_space'",
                                 space.el, "domain_id", (related_to(domain_ids[space.domain_id], "domain_id",
                                                                    "first use"),)))
            else:
                domain_ids[space.domain_id] = space.el
    for space in spaces:
        check_maps(space.maps, mrs, IOVA_LIMIT, f"{space.device or space.name}", "iomap", out)
        for m in space.maps:
            mr = mrs.get(m.mr or "")
            if mr is not None and mr.page_size == 0x200000:
                out.append(issue(codes.IOMAP, "currently seL4 does not have large page support for the IOMMU", m.el,
                                 "mr"))


def check_caps(flat: list[ProtectionDomain], locate: Locate, out: list[Issue]) -> None:
    for pd in flat:
        slots: dict[int, list[El]] = {}
        kinds: dict[int, list[str]] = {}
        names: dict[int, list[str]] = {}
        for cap in pd.caps:
            if cap.slot is None:
                continue
            slots.setdefault(cap.slot, []).append(cap.el)
            kinds.setdefault(cap.slot, []).append(cap.kind)
            names.setdefault(cap.slot, []).append(cap.pd or "")
        for slot, els in slots.items():
            if len(els) < 2:
                continue
            lines = "".join(f"\n  type {k} from '{n}' at '{locate(e)}'"
                            for k, n, e in zip(kinds[slot], names[slot], els, strict=True))
            out.append(issue(codes.CAP_OVERLAP, f"overlapping user caps in slot {slot} of protection domain "
                             f"'{pd.name}':{lines}", els[-1], "slot",
                             tuple(related_to(e, "slot", "cap in the same slot") for e in els[:-1])))


def check_phys_overlap(mrs: list[MemoryRegion], out: list[Issue]) -> None:
    fixed = sorted(((mr.phys_addr, mr.phys_addr + mr.size, order, mr) for order, mr in enumerate(mrs)
                    if mr.phys_addr is not None and mr.size), key=lambda f: (f[0], f[2]))
    widest = None
    for item in fixed:
        if widest is not None and item[0] < widest[1]:
            a, b = (widest, item) if widest[2] < item[2] else (item, widest)
            out.append(issue(codes.MR_PHYS_OVERLAP, f"memory region '{b[3].name}' physical address range "
                             f"[{b[0]:#x}..{b[1]:#x}) overlaps with another memory region '{a[3].name}' "
                             f"[{a[0]:#x}..{a[1]:#x})", b[3].el, "phys_addr",
                             (related_to(a[3].el, "phys_addr", "overlapping region"),)))
        if widest is None or item[1] > widest[1]:
            widest = item


def check_unused(mrs: list[MemoryRegion], flat: list[ProtectionDomain], spaces: list[IoAddressSpace],
                 out: list[Issue]) -> None:
    """Regions nothing uses. Unlike the tool, an `<iomap>` or a `<setvar region_paddr>` counts as a use:
    the region is really allocated for it, so warning that it is unused would be false."""
    used: set[str | None] = set()
    for pd in flat:
        used.update(pd.used_regions())
        used.update(sv.mr for sv in pd.region_setvars)
    for space in spaces:
        used.update(m.mr for m in space.maps)
    for mr in mrs:
        if mr.name is not None and mr.name not in used:
            out.append(issue(codes.MR_UNUSED, f"unused memory region '{mr.name}'", mr.el, "name"))


def check_region_setvars(flat: list[ProtectionDomain], mrs: dict[str, MemoryRegion], target: Target,
                         out: list[Issue]) -> None:
    for pd in flat:
        for m in pd.prefill_size_maps():
            mr = mrs.get(m.mr or "")
            if mr is not None and not mr.prefill:
                # The tool points at the region; the map is given as related information.
                out.append(issue(codes.PREFILL_SIZE_SETVAR, f"'setvar_prefill_size' used for MR without a "
                                 f"`prefill_path` @ '{m.mr}'", mr.el, "name",
                                 (related_to(m.el, "setvar_prefill_size", "the map's setvar_prefill_size"),)))
        for sv in pd.region_setvars:
            mr = mrs.get(sv.mr)
            if mr is None:
                out.append(issue(codes.SETVAR_MR, f"setvar region_paddr names memory region '{sv.mr}', which does "
                                 "not exist (the Microkit tool panics when building this)", sv.el, "region_paddr",
                                 fixes=(closest_name(sv.el, "region_paddr", sv.mr, mrs, "memory region"),)))
            elif target.x86 and mr.phys_addr is None:
                out.append(issue(codes.SETVAR_PADDR_X86, "setvar with 'region_paddr' for MR without a specified "
                                 f"paddr is unsupported on x86-64 @ '{sv.mr}'", mr.el, "name",
                                 (related_to(sv.el, "region_paddr", "the setvar"),)))
