"""Which elements and attributes a `.system` may hold where, for the target it is checked against.

The same facts the checks enforce (attribute sets of `elements.py` and `sysitems.py`, the version
gates of `checker.SINCE`, the target's arch, hypervisor, IOMMU and core count), asked the other
way round: not "is this allowed" but "what is allowed here".
"""

from __future__ import annotations

from drvls.microkit.checker import SINCE
from drvls.microkit.elements import CHILD_PD_ATTRS, IRQ_ATTRS, MAP_ATTRS, PD_ATTRS, PD_MAP_ATTRS
from drvls.microkit.sysitems import BOOTINFO, PAGE_SIZES
from drvls.microkit.target import Target

CHILDREN: dict[str, tuple[str, ...]] = {
    "": ("system",),
    "system": ("protection_domain", "memory_region", "channel", "domains", "io_address_space"),
    "protection_domain": ("program_image", "map", "irq", "ioport", "setvar", "protection_domain", "virtual_machine",
                          "cspace"),
    "virtual_machine": ("vcpu", "map"),
    "channel": ("end",),
    "io_address_space": ("iomap",),
    "domains": ("domain", "domain_schedule"),
    "domain_schedule": ("schedule_entry", "schedule_end_marker"),
    "cspace": ("cap_tcb", "cap_sc", "cap_vspace"),
}

ATTRIBUTES: dict[str, frozenset[str]] = {
    "system": frozenset(),
    "program_image": frozenset({"path", "path_for_symbols"}),
    "memory_region": frozenset({"name", "size", "page_size", "phys_addr", "prefill_path", "prefill_bootinfo"}),
    "ioport": frozenset({"id", "addr", "size", "setvar_id", "setvar_addr"}),
    "setvar": frozenset({"symbol", "region_paddr"}),
    "vcpu": frozenset({"id", "cpu", "setvar_id"}),
    "channel": frozenset(),
    "end": frozenset({"pd", "id", "pp", "notify", "setvar_id"}),
    "io_address_space": frozenset({"name", "peripheral_id", "domain_id"}),
    "iomap": frozenset({"mr", "iovaddr", "perms"}),
    "domains": frozenset(),
    "domain": frozenset({"name", "id"}),
    "domain_schedule": frozenset({"start_index", "index_shift"}),
    "schedule_entry": frozenset({"domain", "duration"}),
    "schedule_end_marker": frozenset(),
    "cspace": frozenset(),
    "cap_tcb": frozenset({"slot", "pd"}),
    "cap_sc": frozenset({"slot", "pd"}),
    "cap_vspace": frozenset({"slot", "pd"}),
}

# Attributes a new element is written with (the tool requires them, or nothing works without them).
REQUIRED: dict[str, tuple[str, ...]] = {
    "protection_domain": ("name",),
    "program_image": ("path",),
    "memory_region": ("name", "size"),
    "map": ("mr", "vaddr", "perms"),
    "iomap": ("mr", "iovaddr", "perms"),
    "ioport": ("id", "addr", "size"),
    "setvar": ("symbol", "region_paddr"),
    "end": ("pd", "id"),
    "vcpu": ("id",),
    "virtual_machine": ("name",),
    "io_address_space": ("name", "peripheral_id", "domain_id"),
    "domain": ("name",),
    "schedule_entry": ("domain", "duration"),
    "cap_tcb": ("slot", "pd"),
    "cap_sc": ("slot", "pd"),
    "cap_vspace": ("slot", "pd"),
}

BOOLEANS = {("protection_domain", "passive"), ("protection_domain", "smc"), ("protection_domain", "fpu"),
            ("map", "cached"), ("end", "pp"), ("end", "notify")}
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("irq", "trigger"): ("level", "edge"),
    ("irq", "polarity"): ("low", "high"),
    ("memory_region", "prefill_bootinfo"): BOOTINFO,
}
PERMS: dict[str, tuple[str, ...]] = {"map": ("rw", "r", "rx", "rwx", "x"), "iomap": ("rw", "r", "w")}
# Page sizes by architecture: the Microkit tool takes the same two on all three (`sel4.rs`).
ARCH_PAGE_SIZES: dict[str, tuple[int, ...]] = {"aarch64": PAGE_SIZES, "riscv64": PAGE_SIZES, "x86_64": PAGE_SIZES}


def required(tag: str, target: Target) -> tuple[str, ...]:
    """The attributes a new `tag` element is written with on `target`."""
    if tag == "irq":
        return ("id", "pin", "ioapic", "vector") if target.x86 else ("id", "irq")
    return REQUIRED.get(tag, ())


def page_sizes(target: Target) -> tuple[int, ...]:
    return ARCH_PAGE_SIZES.get(target.arch, PAGE_SIZES)


def _available(parent: str, name: str, target: Target) -> bool:
    since = SINCE.get((parent, name))
    return since is None or target.version >= since


def children(parent: str, target: Target) -> list[str]:
    """Elements that may be written directly inside `parent` on `target`."""
    out = []
    for name in CHILDREN.get(parent, ()):
        if not _available(parent, name, target):
            continue
        if (parent, name) == ("protection_domain", "ioport") and not target.x86:
            continue
        if name == "virtual_machine" and not target.hypervisor:
            continue
        if name == "io_address_space" and not target.iommu:
            continue
        if name == "domains" and target.cores > 1:
            continue
        out.append(name)
    return out


def attributes(tag: str, parent: str, target: Target) -> list[str]:
    """Attributes `tag` (inside `parent`) may carry on `target`, in a stable order."""
    if tag == "protection_domain":
        names = set(CHILD_PD_ATTRS if parent == "protection_domain" else PD_ATTRS)
        if target.arch != "aarch64":
            names.discard("smc")
        if target.cores == 1:
            names.discard("cpu")
    elif tag == "map":
        names = set(PD_MAP_ATTRS if parent == "protection_domain" else MAP_ATTRS)
    elif tag == "irq":
        names = set().union(*(IRQ_ATTRS[k] for k in (("pin", "pcidev") if target.x86 else ("irq",))))
    elif tag == "virtual_machine":
        names = {"name"}
        if target.arch == "aarch64" or not target.at_least(2, 3):
            names |= {"budget", "period", "priority"}
    else:
        names = set(ATTRIBUTES.get(tag, frozenset()))
        if tag == "vcpu" and target.cores == 1:
            names.discard("cpu")
    first = required(tag, target)
    ordered = [n for n in first if n in names] + sorted(names - set(first))
    return [n for n in ordered if _available(tag, n, target)]
