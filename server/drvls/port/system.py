"""The Microkit system a CAmkES app ports to, with everything the mapping could not do, as values.

Every list is in the order it is written out (sorted by name), so the same app always gives the
same file and the same report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PAGE = 0x1000


def pages(size: int) -> int:
    """`size` rounded up to whole small pages (at least one)."""
    return max(PAGE, (size + PAGE - 1) // PAGE * PAGE)


@dataclass(frozen=True)
class Note:
    """Something the mapping could not do: what it is and what the user must write instead."""

    subject: str  # "connection NAME" or "instance NAME"
    what: str
    todo: str

    @property
    def text(self) -> str:
        """`What. Todo.` as sentences."""
        return f"{self.what[:1].upper()}{self.what[1:]}. {self.todo[:1].upper()}{self.todo[1:]}."


@dataclass(frozen=True)
class Map:
    region: str
    vaddr: int
    perms: str
    cached: bool = True
    setvar: str | None = None  # the CAmkES interface name, patched with the mapping's address


@dataclass(frozen=True)
class Irq:
    irq: int
    id: int
    interface: str
    trigger: str | None = None


@dataclass(frozen=True)
class PaddrVar:
    """`<setvar symbol=... region_paddr=...>`: a DMA region's physical address for the driver."""

    symbol: str
    region: str


@dataclass(frozen=True)
class Pd:
    name: str
    instance: str
    component: str
    priority: int
    budget: int | None = None
    period: int | None = None
    maps: tuple[Map, ...] = ()
    irqs: tuple[Irq, ...] = ()
    paddr_vars: tuple[PaddrVar, ...] = ()
    notes: tuple[Note, ...] = ()

    @property
    def image(self) -> str:
        return f"{self.name}.elf"


@dataclass(frozen=True)
class Region:
    name: str
    size: int
    connection: str
    phys_addr: int | None = None
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True)
class ChannelEnd:
    pd: str
    id: int
    interface: str
    pp: bool = False


@dataclass(frozen=True)
class Channel:
    connection: str
    connector: str
    first: ChannelEnd
    second: ChannelEnd
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True)
class Unmapped:
    """A connection nothing in the system stands for: only its notes are written, where it would be."""

    connection: str
    connector: str
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class Ported:
    app: str
    pds: tuple[Pd, ...] = ()
    regions: tuple[Region, ...] = ()
    channels: tuple[Channel, ...] = ()
    unmapped: tuple[Unmapped, ...] = ()
    warnings: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    # pd → (interface, CAmkES call, Microkit call)
    cside: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = field(default=())

    def notes(self) -> list[Note]:
        """Every note, in output order."""
        out = [n for r in self.regions for n in r.notes]
        out += [n for c in self.channels for n in c.notes]
        out += [n for u in self.unmapped for n in u.notes]
        out += [n for p in self.pds for n in p.notes]
        return out
