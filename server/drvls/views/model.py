"""The family-neutral view model: domains, links, regions, address spaces and isolation verdicts.

Built once per file from the family's typed model; every renderer reads only this, so the
Markdown, JSON, SVG and HTML faces always show the same facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Place:
    """Where a name is defined: file path (None for an unsaved buffer), 0-based line and column."""

    path: str | None
    line: int
    character: int


@dataclass(frozen=True)
class Access:
    """One domain's mapping of a memory region (or CAmkES dataport) with its rights."""

    region: str
    perms: str
    vaddr: int | None = None
    cached: bool | None = None


@dataclass(frozen=True)
class Domain:
    """A protection domain, virtual machine or CAmkES instance: what can hold rights."""

    key: str
    name: str
    kind: str  # "pd" | "vm" | "instance"
    parent: str | None = None  # key of the parent PD (child PDs, VMs)
    priority: int | None = None
    passive: bool = False
    budget: int | None = None
    period: int | None = None
    accesses: tuple[Access, ...] = ()
    irqs: tuple[str, ...] = ()  # e.g. "irq 33 (id 1)"
    devices: tuple[str, ...] = ()  # device (fixed physical address) regions it maps
    iomaps: tuple[str, ...] = ()  # regions mapped into an I/O address space for it
    details: tuple[tuple[str, str], ...] = ()
    place: Place | None = None


@dataclass(frozen=True)
class Link:
    """A channel or connection between two domains.

    `kind` is "notify" (either end may signal the other), "ppc" (protected procedure call:
    `source` calls `target`, the `pp` end), "event" (`source` emits to `target`) or "rpc"
    (`source` uses a procedure `target` provides). `label` says the ids or connector.
    """

    key: str
    kind: str
    source: str
    target: str
    label: str
    source_id: int | None = None
    target_id: int | None = None
    place: Place | None = None


@dataclass(frozen=True)
class Region:
    name: str
    size: int | None
    phys_addr: int | None = None
    page_size: int | None = None
    place: Place | None = None


@dataclass(frozen=True)
class Span:
    """One entry of an address space in address order; `kind` "map", "stack", "guard", "ipc_buffer",
    "segment" (of the program image), "gap" or "dataport"; `overlaps` names the entries it collides with."""

    start: int | None
    size: int | None
    kind: str
    label: str
    perms: str = ""
    cached: bool | None = None
    region: str | None = None
    overlaps: tuple[str, ...] = ()

    @property
    def end(self) -> int | None:
        return None if self.start is None or self.size is None else self.start + self.size


@dataclass(frozen=True)
class AddressSpace:
    owner: str  # domain key
    name: str
    spans: tuple[Span, ...]
    note: str = ""


@dataclass(frozen=True)
class Sharing:
    """A region this domain maps that other domains map too."""

    region: str
    perms: str
    peers: tuple[tuple[str, str], ...]  # (domain name, its perms)
    writable: bool  # shared writable: two or more map it and at least one with `w`


@dataclass(frozen=True)
class Isolation:
    domain: str  # name
    key: str
    role: str  # "driver" | "virtualiser" | "client"
    driver_like: bool
    design: str | None  # "A" | "B" | "C" for driver-like domains
    facts: tuple[str, ...] = ()
    stricter: tuple[str, ...] = ()
    sharing: tuple[Sharing, ...] = ()
    notified_by: tuple[str, ...] = ()
    called_by: tuple[tuple[str, int | None], ...] = ()
    irqs: tuple[str, ...] = ()
    devices: tuple[str, ...] = ()


@dataclass(frozen=True)
class SystemView:
    family: str  # "microkit" | "camkes"
    name: str  # the file's name
    domains: tuple[Domain, ...]
    links: tuple[Link, ...]
    regions: tuple[Region, ...]
    spaces: tuple[AddressSpace, ...] = ()
    physical: tuple[Span, ...] = ()
    isolation: tuple[Isolation, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def domain(self, key: str) -> Domain | None:
        return next((d for d in self.domains if d.key == key), None)
