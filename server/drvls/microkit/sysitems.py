"""Per-element checks for the other children of `<system>`: regions, channels, domains, IOMMU spaces."""

from __future__ import annotations

from pathlib import Path

from drvls.microkit import codes
from drvls.microkit.checker import Checker
from drvls.microkit.model import (
    Channel,
    Domains,
    End,
    FixPlan,
    IoAddressSpace,
    Map,
    MemoryRegion,
    related_to,
    replace_value,
)
from drvls.microkit.values import parse_number, parse_pci, pci_label, round_up, written_like
from drvls.microkit.xmltree import El

PAGE_SIZES = (0x1000, 0x200000)
BOOTINFO = ("x86_vbe", "x86_mbmmap", "x86_acpi_rsdp", "x86_framebuffer", "x86_tsc_freq", "fdt")
IOVA_LIMIT = 1 << 39


def check_memory_region(chk: Checker, el: El, search_path: tuple[Path, ...], deps: set[Path]) -> MemoryRegion:
    chk.attributes(el, {"name", "size", "page_size", "phys_addr", "prefill_path", "prefill_bootinfo"})
    name = chk.required(el, "name")
    prefill_path = el.get("prefill_path")
    bootinfo = el.get("prefill_bootinfo")
    if prefill_path is not None and bootinfo is not None:
        chk.value_error(codes.BOOTINFO, "prefill_path and prefill_bootinfo cannot be both specified", el,
                        "prefill_bootinfo")
    page_size = chk.number(el, "page_size")
    if page_size is not None and page_size not in PAGE_SIZES:
        chk.value_error(codes.MR_PAGE_SIZE, f"page size {page_size:#x} not supported", el, "page_size")
        page_size = None
    check_size = page_size or 0x1000
    size = chk.number(el, "size")
    prefill_len = None
    if prefill_path is not None:
        prefill_len = check_prefill(chk, el, prefill_path, search_path, deps)
    if bootinfo is not None and bootinfo not in BOOTINFO:
        chk.value_error(codes.BOOTINFO, f"BootInfoMap type: '{bootinfo}' is not supported", el, "prefill_bootinfo")
    if size is None and "size" not in el.attrs:
        if prefill_len is not None:
            size = round_up(prefill_len, check_size)
        elif bootinfo is not None:
            size = check_size
        elif prefill_path is None:
            chk.value_error(codes.MR_SIZE, "size must be specified if memory region is not prefilled", el)
    elif size is not None:
        if size % check_size:
            chk.value_error(codes.MR_SIZE, "size is not a multiple of the page size", el, "size",
                            fixes=(page_rounding(el, "size", round_up(size, check_size), "Round size up"),))
        elif size == 0:
            chk.report(codes.MR_ZERO, "memory region of size 0: the Microkit tool accepts it, but nothing can be "
                       "mapped from it", el, "size")
        if prefill_len is not None and prefill_len > size:
            chk.value_error(codes.PREFILL, f"size of prefill file exceeds memory region size: {prefill_len:x} > "
                            f"{size:x}", el, "prefill_path")
    phys = chk.number(el, "phys_addr")
    if phys is not None and phys % check_size:
        chk.value_error(codes.MR_PHYS_ALIGN, "phys_addr is not aligned to the page size", el, "phys_addr",
                        fixes=(page_rounding(el, "phys_addr", phys - phys % check_size,
                                             "Round phys_addr down"),))
    return MemoryRegion(el=el, name=name, size=size, page_size=page_size, phys_addr=phys,
                        prefill=prefill_path is not None)


def page_rounding(el: El, attr: str, value: int, verb: str) -> FixPlan | None:
    """The safe fix of an unaligned number: the nearest page multiple, written in the file's base."""
    text = written_like(el.get(attr) or "", value)
    return replace_value(el, attr, text, f"{verb} to the page size ({text})", safe=True)


def check_prefill(chk: Checker, el: El, path: str, search_path: tuple[Path, ...], deps: set[Path]) -> int | None:
    """The prefill file's length, looked up in the search path as the tool does at parse time."""
    found = None
    for folder in search_path:
        candidate = folder / path
        deps.add(candidate)
        if candidate.is_file():
            found = candidate
            break
    if found is None:
        chk.value_error(codes.PREFILL, f"unable to find prefill file: '{path}'", el, "prefill_path")
        return None
    try:
        length = found.stat().st_size
    except OSError:
        chk.value_error(codes.PREFILL, f"failed to read file '{path}' at prefill_path", el, "prefill_path")
        return None
    if length == 0:
        chk.value_error(codes.PREFILL, f"prefill file '{path}' is empty", el, "prefill_path")
        return None
    return length


def check_channel(chk: Checker, el: El) -> Channel:
    chk.attributes(el, set())
    channel = Channel(el=el)
    for child in el.children:
        if child.tag != "end":
            chk.report(codes.INVALID_ELEMENT, f"invalid XML element '{child.tag}'", child)
            continue
        chk.attributes(child, {"pd", "id", "pp", "notify", "setvar_id"})
        pd = chk.required(child, "pd")
        end_id = chk.badge_id(child)
        pp = chk.boolean(child, "pp", False)
        chk.boolean(child, "notify", True)
        channel.ends.append(End(el=child, pd=pd, id=end_id, pp=pp, setvar_id=child.get("setvar_id")))
    if len(channel.ends) != 2:
        chk.value_error(codes.CHANNEL_ENDS, "exactly two end elements must be specified", el)
        return channel
    a, b = channel.ends
    if a.pp and b.pp:
        chk.value_error(codes.PPC_BIDIRECTIONAL, "cannot ppc bidirectionally", el)
    if a.pd is not None and a.pd == b.pd:
        chk.report(codes.CHANNEL_SELF, f"channel from PD '{a.pd}' to itself: the Microkit tool accepts it, but "
                   "a PD signalling itself is almost always a mistake", b.el, "pd")
    return channel


def check_domains(chk: Checker, el: El) -> Domains:
    target = chk.target
    chk.attributes(el, set())
    if target.cores > 1:
        chk.report(codes.DOMAINS_SMP, "The domain scheduler is not supported in multicore builds of seL4", el)
    names: dict[str, tuple[El, int | None]] = {}
    ids: dict[int, El] = {}
    schedules: list[El] = []
    for child in el.children:
        if child.tag == "domain":
            check_domain(chk, child, names, ids)
        elif child.tag == "domain_schedule":
            if schedules:
                chk.value_error(codes.REPEATED_ELEMENT, "The <domain_schedule> element can only appear once", child)
            schedules.append(child)
        else:
            chk.report(codes.INVALID_ELEMENT, f"invalid XML element as child of <domains> '{child.tag}'", child)
    total = len(names) + sum(1 for c in el.children if c.tag == "domain" and c.get("name") is None)
    if total > target.num_domains + 1:
        chk.value_error(codes.DOMAIN_COUNT, f"Number of domains exceeds {target.num_domains}", el)
    elif total == target.num_domains + 1:
        chk.report(codes.DOMAIN_COUNT_EDGE, f"{total} domains on a kernel with KernelNumDomains = "
                   f"{target.num_domains}: the Microkit tool accepts one too many (off-by-one) and the last "
                   "domain gets an id the kernel does not have", el)
    if not schedules:
        chk.value_error(codes.MISSING_ELEMENT, "The <domain_schedule> element must appear once", el)
    else:
        check_schedule(chk, schedules[0], frozenset(names))
    return Domains(el=el, names=frozenset(names))


def check_domain(chk: Checker, el: El, names: dict[str, tuple[El, int | None]], ids: dict[int, El]) -> None:
    chk.attributes(el, {"name", "id"})
    name = chk.required(el, "name")
    dom_id = chk.number(el, "id")
    if dom_id is not None:
        if dom_id >= chk.target.num_domains:
            chk.value_error(codes.DOMAIN_DEF, f"domain id {dom_id} should be less than the configured "
                            f"KernelNumDomains value of {chk.target.num_domains}", el, "id")
        first_id = ids.get(dom_id)
        if first_id is not None:
            chk.value_error(codes.DOMAIN_DEF, f"Each <domain>'s id element must be unique found existing domain "
                            f"'{first_id.get('name')}' with id '{dom_id}'", el, "id",
                            (related_to(first_id, "id", "first use of this id"),))
        else:
            ids[dom_id] = el
    if name is None:
        return
    first = names.get(name)
    if first is not None:
        shown = "None" if first[1] is None else f"Some({first[1]})"
        chk.value_error(codes.DOMAIN_DEF, f"Each <domain>'s name element must be unique found existing domain "
                        f"'{name}' with id '{shown}'", el, "name", (related_to(first[0], "name", "first definition"),))
    else:
        names[name] = (el, dom_id)


def check_schedule(chk: Checker, el: El, domains: frozenset[str]) -> None:
    target = chk.target
    chk.attributes(el, {"start_index", "index_shift"})
    start = chk.number(el, "start_index")
    if start is None and "start_index" not in el.attrs:
        start = 0  # the tool's default, checked like a written one
    shift = chk.number(el, "index_shift")
    entries = 0  # the schedule's length: end markers are entries too
    for child in el.children:
        if child.tag in ("schedule_entry", "schedule_end_marker"):
            entries += 1
            if entries == target.num_domain_schedules:
                chk.report(codes.SCHEDULE, f"More than configured KernelNumDomainSchedules "
                           f"{target.num_domain_schedules} number of <schedule_entry> elements found", child)
        if child.tag == "schedule_entry":
            chk.attributes(child, {"domain", "duration"})
            domain = chk.required(child, "domain")
            if domain is not None and domain not in domains:
                chk.value_error(codes.SCHEDULE, f"domain '{domain}' does not exist,", child, "domain")
            duration = chk.required(child, "duration")
            if duration is not None:
                check_duration(chk, child, duration)
        elif child.tag == "schedule_end_marker":
            chk.attributes(child, set())
        else:
            chk.report(codes.INVALID_ELEMENT, f"invalid XML element as child of <domain_schedule> '{child.tag}'",
                       child)
    if start is not None and start >= entries:
        chk.value_error(codes.SCHEDULE, f"schedule_start_index '{start}' is greater than the length of the "
                        f"schedule '{entries}'", el, "start_index")
    if shift is not None and shift + entries >= target.num_domain_schedules:
        chk.value_error(codes.SCHEDULE, f"schedule_index_shift '{start or 0}' on top of the schedule length "
                        f"'{entries}' would exceed than the configured KernelNumDomainSchedules "
                        f"{target.num_domain_schedules}", el, "index_shift")


def check_duration(chk: Checker, el: El, text: str) -> None:
    value_text, space, unit = text.partition(" ")
    if not space:
        chk.value_error(codes.SCHEDULE, f"The duration '{text}' must contain a value and a unit, e.g. '1000 us'",
                        el, "duration")
        return
    value = parse_number(value_text)
    if isinstance(value, str):
        chk.report(codes.BAD_INTEGER, f"failed to parse integer '{value_text}' on element '{el.tag}': {value}",
                   el, "duration")
        return
    if value == 0:
        chk.value_error(codes.SCHEDULE, f"The duration '{text}' must be non-zero", el, "duration")
    if unit not in ("us", "ticks"):
        chk.value_error(codes.SCHEDULE, f"The duration '{text}' must be in either 'ticks' or 'us'", el, "duration")


def check_io_space(chk: Checker, el: El) -> IoAddressSpace:
    target = chk.target
    if not target.iommu:
        chk.report(codes.IOMMU, "io address space requires seL4 to be built with IOMMU support", el)
    chk.attributes(el, {"name", "peripheral_id", "domain_id"})
    space = IoAddressSpace(el=el, name=chk.required(el, "name"), device=None, domain_id=None)
    peripheral = chk.required(el, "peripheral_id")
    if peripheral is not None:
        if target.x86:
            pci = parse_pci(peripheral)
            if isinstance(pci, str):
                chk.value_error(codes.IO_SPACE, f"failed to parse device peripheral_id '{peripheral}': {pci}", el,
                                "peripheral_id")
            else:
                space.device = pci_label(*pci)
        else:
            chk.value_error(codes.IO_SPACE, f"failed to parse device peripheral_id '{peripheral}': IOMMU device "
                            f"identifiers are not supported on {target.arch_label}", el, "peripheral_id")
    if target.x86:
        space.domain_id = chk.number(el, "domain_id", required=True)
    for child in el.children:
        if child.tag != "iomap":
            chk.report(codes.INVALID_ELEMENT, f"invalid XML element '{child.tag}'", child)
            continue
        chk.attributes(child, {"mr", "iovaddr", "perms"})
        mr = chk.required(child, "mr")
        iovaddr = chk.number(child, "iovaddr", required=True)
        perms = child.get("perms")
        if perms is not None and (not perms or any(c not in "rw" for c in perms)):
            chk.value_error(codes.IOMAP, "perms for io mapped memory must only be a combination of 'r' and 'w'",
                            child, "perms")
        below_limit = iovaddr is None or iovaddr < IOVA_LIMIT
        if not below_limit:
            chk.value_error(codes.IOMAP, f"iovaddr ({iovaddr:#x}) must be less than {IOVA_LIMIT:#x}", child,
                            "iovaddr")
        space.maps.append(Map(el=child, mr=mr, vaddr=iovaddr, below_limit=below_limit))
    return space
