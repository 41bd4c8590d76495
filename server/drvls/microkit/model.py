"""The typed system model built from the XML, each part pointing back at its element for ranges."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from drvls.core.rules import RuleInfo
from drvls.microkit import codes
from drvls.microkit.xmltree import Anchor, AttrSpan, El


@dataclass
class Related:
    """A related location of an issue, relative to an anchor like the issue itself."""

    anchor: Anchor
    start: int
    end: int
    message: str


@dataclass
class Issue:
    """A diagnostic whose offsets are relative to an anchor, so it can be cached with its element."""

    rule: RuleInfo
    message: str
    anchor: Anchor
    start: int
    end: int
    related: tuple[Related, ...] = ()
    fixes: tuple[FixPlan, ...] = ()


@dataclass(frozen=True)
class Change:
    """Replace bytes [start, end) (relative to `anchor`) with `text`."""

    anchor: Anchor
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class FixPlan:
    """A fix as changes relative to anchors, turned into a core `Fix` when the issue is converted."""

    title: str
    changes: tuple[Change, ...]
    safe: bool = False  # see `core.diagnostics.Fix.safe`


def issue(rule: RuleInfo, message: str, el: El, attr: str | None = None,
          related: tuple[Related, ...] = (), fixes: tuple[FixPlan | None, ...] = ()) -> Issue:
    """An issue on an attribute's value if it is present, else on the element's start tag."""
    found = el.attr_span(attr) if attr else None
    plans = tuple(f for f in fixes if f is not None)
    if found is not None:
        return Issue(rule, message, el.anchor, found.value_start, found.value_end, related, plans)
    return Issue(rule, message, el.anchor, el.start, el.tag_end, related, plans)


def replace_value(el: El, attr: str, text: str, title: str, safe: bool = False) -> FixPlan | None:
    """A fix writing `text` as the value of `el`'s attribute `attr` (None when it is not written)."""
    found = el.attr_span(attr)
    if found is None:
        return None
    return FixPlan(title, (Change(el.anchor, found.value_start, found.value_end, text),), safe)


def closest_name(el: El, attr: str, wrong: str, names: Iterable[str], what: str) -> FixPlan | None:
    """A fix naming the existing `what` closest to a misspelled reference, if one is close enough."""
    close = closest(wrong, tuple(sorted(set(names))))
    return replace_value(el, attr, close, f"Change to the {what} '{close}'") if close is not None else None


@lru_cache(maxsize=512)
def closest(wrong: str, names: tuple[str, ...]) -> str | None:
    """The name most like `wrong`, once per name and set of names: a PD that a syntax error hides is
    named by each of its channel ends, and difflib over every PD name was most of such a keystroke."""
    import difflib

    found = difflib.get_close_matches(wrong, names, n=1, cutoff=0.6)
    return found[0] if found else None


def attribute_issue(rule: RuleInfo, message: str, el: El, attr: str) -> Issue:
    """An issue on a whole attribute, `name="value"` (for syntax that is wrong as a whole, not by its value)."""
    found = el.attr_span(attr)
    if found is None:
        return issue(rule, message, el)
    return Issue(rule, message, el.anchor, found.name_start, found.value_end + 1)


def related_to(el: El, attr: str | None, message: str) -> Related:
    found = el.attr_span(attr) if attr else None
    if found is not None:
        return Related(el.anchor, found.value_start, found.value_end, message)
    return Related(el.anchor, el.start, el.tag_end, message)


def attr_related(el: El, attr: AttrSpan, message: str) -> Related:
    return Related(el.anchor, attr.value_start, attr.value_end, message)


@dataclass
class MemoryRegion:
    """A `<memory_region>`."""

    el: El
    name: str | None
    size: int | None
    page_size: int | None  # as written; None means "chosen by the tool" (0x1000 for checks)
    phys_addr: int | None
    prefill: bool = False

    @property
    def check_page_size(self) -> int:
        return self.page_size or 0x1000


@dataclass
class Map:
    """A `<map>` of a memory region into a PD's or VM's address space."""

    el: El
    mr: str | None
    vaddr: int | None
    setvar_prefill_size: bool = False
    below_limit: bool = True  # False: the vaddr is already reported as too high (so no range error too)


@dataclass
class Irq:
    """An `<irq>` of a PD."""

    el: El
    id: int | None
    number: int | None
    number_attr: str


@dataclass
class IoPort:
    """An `<ioport>` of a PD (x86)."""

    el: El
    id: int | None
    addr: int | None
    size: int | None


@dataclass
class Vcpu:
    """A `<vcpu>` of a virtual machine."""

    el: El
    id: int | None


@dataclass
class VirtualMachine:
    """A `<virtual_machine>` inside a PD."""

    el: El
    name: str | None
    vcpus: list[Vcpu] = field(default_factory=list)
    maps: list[Map] = field(default_factory=list)


@dataclass
class CapMap:
    """A child PD's capability (its TCB, scheduling context or address space) placed in a slot of the PD's CSpace."""

    el: El
    kind: str  # Tcb, Sc, VSpace
    slot: int | None
    pd: str | None


@dataclass
class RegionSetVar:
    """A `<setvar region_paddr>`: a symbol set to a memory region's physical address."""

    el: El
    mr: str


@dataclass
class ProtectionDomain:
    """A `<protection_domain>`, with its children (maps, IRQs, child PDs, its VM)."""

    el: El
    name: str | None
    priority: int
    stack_size: int
    child_id: int | None = None
    legacy_pp: bool = False  # pre-2.0 `pp` written on this PD
    children: list[ProtectionDomain] = field(default_factory=list)
    maps: list[Map] = field(default_factory=list)
    irqs: list[Irq] = field(default_factory=list)
    ioports: list[IoPort] = field(default_factory=list)
    vm: VirtualMachine | None = None
    caps: list[CapMap] = field(default_factory=list)
    setvars: dict[str, tuple[El, str]] = field(default_factory=dict)
    region_setvars: list[RegionSetVar] = field(default_factory=list)
    program_image: El | None = None  # the first `<program_image>` element
    _used: frozenset[str | None] | None = field(default=None, repr=False, compare=False)
    _prefill_maps: list[Map] | None = field(default=None, repr=False, compare=False)
    _irq_ids: dict[int, El] | None = field(default=None, repr=False, compare=False)
    _irq_issues: list[Issue] | None = field(default=None, repr=False, compare=False)

    def used_regions(self) -> frozenset[str | None]:
        """Names of the regions this PD and its VM map (computed once; the model never changes)."""
        if self._used is None:
            names = {m.mr for m in self.maps}
            if self.vm is not None:
                names.update(m.mr for m in self.vm.maps)
            self._used = frozenset(names)
        return self._used

    def irq_ids(self) -> dict[int, El]:
        """IRQ id → first `<irq>` using it (computed once; the model never changes)."""
        if self._irq_ids is None:
            self._irq_ids, self._irq_issues = {}, []
            for irq in self.irqs:
                if irq.id is None:
                    continue
                first = self._irq_ids.get(irq.id)
                if first is not None:  # reported at the PD, as the tool does
                    self._irq_issues.append(issue(codes.DUPLICATE_ID, f"duplicate channel id: {irq.id} in "
                                                  f"protection domain: '{self.name}'", self.el, "name",
                                                  (related_to(irq.el, "id", "this IRQ"),
                                                   related_to(first, "id", "first use"))))
                else:
                    self._irq_ids[irq.id] = irq.el
        return self._irq_ids

    def irq_id_issues(self) -> list[Issue]:
        self.irq_ids()
        return self._irq_issues or []

    def prefill_size_maps(self) -> list[Map]:
        if self._prefill_maps is None:
            self._prefill_maps = [m for m in self.maps if m.setvar_prefill_size]
        return self._prefill_maps

    def walk(self) -> list[ProtectionDomain]:
        """This PD and all its descendants, parents first (the tool's flattening order)."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


@dataclass
class End:
    """One `<end>` of a channel."""

    el: El
    pd: str | None
    id: int | None
    pp: bool
    setvar_id: str | None


@dataclass
class Channel:
    """A `<channel>` between two PDs."""

    el: El
    ends: list[End] = field(default_factory=list)


@dataclass
class IoAddressSpace:
    """An `<io_address_space>` (needs IOMMU support) and the maps into it."""

    el: El
    name: str | None
    device: str | None  # e.g. "PCI device 00:03.0"
    domain_id: int | None
    maps: list[Map] = field(default_factory=list)


@dataclass
class Domains:
    """The `<domains>` element and the names of the domains it declares."""

    el: El
    names: frozenset[str]


Item = ProtectionDomain | MemoryRegion | Channel | IoAddressSpace | Domains
