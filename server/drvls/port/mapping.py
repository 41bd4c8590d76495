"""From a flattened, resolved CAmkES assembly to the Microkit system it ports to.

Instances become PDs (hardware components do not: their registers and interrupts become regions
and `<irq>` elements of the PDs that use them), connections become memory regions and channels,
and everything else becomes a note saying what to write by hand. Connections are taken in name
order and channel ids handed out per PD in that order, so the result never depends on how the
file was written beyond its names and settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from drvls.camkes import model as m
from drvls.camkes.checks.codegen import configuration_of
from drvls.camkes.flatten import FlatAssembly, FlatConnection, FlatEnd, FlatInstance
from drvls.port import families as fam
from drvls.port import priorities
from drvls.port.cside import c_side
from drvls.port.system import PAGE, Channel, ChannelEnd, Irq, Map, Note, PaddrVar, Pd, Ported, Region, Unmapped, pages

MAX_ID = 62  # channel and irq ids of one PD are 0..61
VADDR_BASE = 0x2000000
Config = dict[str, dict[str, tuple[m.Value | None, m.Loc, bool]]]
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def safe_name(name: str) -> str:
    """A readable Microkit name: `outer.inner` → `outer_inner`."""
    return _UNSAFE.sub("_", name) or "unnamed"


@dataclass
class _Pd:
    instance: FlatInstance
    name: str
    maps: list[Map] = field(default_factory=list)
    irqs: list[Irq] = field(default_factory=list)
    paddr_vars: list[PaddrVar] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    next_id: int = 0
    next_vaddr: int = VADDR_BASE
    ids: dict[str, list[int]] = field(default_factory=dict)  # interface → channel/irq ids

    def take_id(self, interface: str) -> int | None:
        if self.next_id >= MAX_ID:
            return None
        self.next_id += 1
        self.ids.setdefault(interface, []).append(self.next_id - 1)
        return self.next_id - 1

    def take_vaddr(self, size: int) -> int:
        vaddr = self.next_vaddr
        self.next_vaddr += pages(size) + PAGE  # a guard page between mappings
        return vaddr


class _Mapper:
    def __init__(self, flat: FlatAssembly, app: str) -> None:
        self.flat = flat
        self.app = app
        self.config: Config = configuration_of(flat)
        self.pds: dict[str, _Pd] = {}
        self.regions: list[Region] = []
        self.channels: list[Channel] = []
        self.unmapped: list[Unmapped] = []
        self.calls: set[tuple[str, str]] = set()
        self.warnings: list[str] = []
        self.names: set[str] = set()

    # -- names and settings --------------------------------------------------------------

    def unique(self, name: str) -> str:
        base = safe_name(name)
        found, n = base, 1
        while found in self.names:
            n += 1
            found = f"{base}_{n}"
        self.names.add(found)
        return found

    def setting(self, target: str, attr: str) -> m.Value | None:
        hit = self.config.get(target, {}).get(attr)
        return None if hit is None or hit[2] else hit[0]

    def int_setting(self, target: str, attr: str) -> int | None:
        value = self.setting(target, attr)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def pd_of(self, end: FlatEnd) -> _Pd | None:
        return self.pds.get(end.instance.name) if end.instance is not None else None

    # -- the walk ------------------------------------------------------------------------

    def run(self) -> Ported:
        for inst in sorted(self.flat.instances, key=lambda i: i.name):
            if not inst.component.hardware and inst.name not in self.pds:
                self.pds[inst.name] = _Pd(inst, self.unique(inst.name))
        for conn in sorted(self.flat.connections, key=lambda c: c.name):
            self.connection(conn)
        for pd in self.pds.values():
            pd.notes.extend(self.instance_notes(pd.instance))
        return self.finish()

    def connection(self, conn: FlatConnection) -> None:
        name = conn.connector.name or ""
        if name in fam.SHARED:
            self.shared(conn)
        elif name in fam.MMIO:
            self.mmio(conn)
        elif name in fam.IRQ:
            self.irq(conn)
        elif name in fam.NOTIFY:
            self.notify(conn)
        elif name in fam.RPC or name in fam.RPC_DATAPORT:
            self.rpc(conn)
        else:
            what, todo = fam.BY_NAME.get(name, fam.TEMPLATE)
            self.unmapped.append(Unmapped(conn.name, name, (self.note(conn, what, todo),)))

    def note(self, conn: FlatConnection, what: str, todo: str) -> Note:
        return Note(f"connection {conn.name} ({conn.connector.name})", what, todo)

    def software_ends(self, conn: FlatConnection) -> list[tuple[FlatEnd, _Pd]]:
        out = [(e, pd) for e in conn.ends if (pd := self.pd_of(e)) is not None]
        return sorted(out, key=lambda ep: (ep[1].name, ep[0].interface.name, ep[0].side))

    # -- memory --------------------------------------------------------------------------

    def shared(self, conn: FlatConnection) -> None:
        notes: list[Note] = []
        size = self.dataport_size(conn, notes)
        region = self.unique(conn.name)
        dma = conn.connector.name in fam.DMA
        for end, pd in self.software_ends(conn):
            iface = end.interface.name
            pd.maps.append(Map(region, pd.take_vaddr(size), self.perms(end, notes), not dma, iface))
            if dma:
                pd.paddr_vars.append(PaddrVar(f"{iface}_paddr", region))
        self.regions.append(Region(region, size, conn.name, None, tuple(notes)))

    def dataport_size(self, conn: FlatConnection, notes: list[Note]) -> int:
        for written in conn.names:
            configured = self.int_setting(written, "size")
            if configured is not None and configured > 0:
                return pages(configured)
        sizes = []
        for end in conn.ends:
            text = end.interface.type_text
            if text == "Buf":
                sizes.append(PAGE)
            elif text.startswith("Buf(") and text[4:-1].strip().isdigit():
                sizes.append(pages(int(text[4:-1])))
        if sizes:
            return max(sizes)
        types = sorted({e.interface.type_text for e in conn.ends})
        notes.append(self.note(conn, f"the size of a dataport of C type {', '.join(types)}",
                               f"check that one page (0x{PAGE:x} bytes) holds it, or set `size` on the region "
                               f"(`{conn.names[0]}.size` in the CAmkES configuration)"))
        return PAGE

    def perms(self, end: FlatEnd, notes: list[Note]) -> str:
        inst = end.instance.name if end.instance is not None else ""
        access = self.setting(inst, f"{end.interface.name}_access")
        if not isinstance(access, str):
            return "rw"
        letters = "".join(c for c in "rwx" if c.upper() in access.upper())
        if letters in ("", "w", "x", "wx"):
            notes.append(Note(f"instance {inst}", f"access \"{access}\" on {end.interface.name}",
                              "Microkit maps no write-only or execute-only memory: it is mapped \"r" +
                              letters + "\"; check that the code only does what the access allowed"))
            letters = "r" + letters
        return letters

    def mmio(self, conn: FlatConnection) -> None:
        device = [e for e in conn.side("to") if e.instance is not None]
        if not device or device[0].instance is None:
            return
        hw, iface = device[0].instance.name, device[0].interface.name
        paddr, size = self.int_setting(hw, f"{iface}_paddr"), self.int_setting(hw, f"{iface}_size")
        if paddr is None or size is None or paddr < 0 or size <= 0:
            self.unmapped.append(Unmapped(conn.name, conn.connector.name or "", (self.note(
                conn, f"a device whose `{hw}.{iface}_paddr` or `_size` is not a number here",
                "add a memory region with the device's `phys_addr` and `size`, mapped uncached into the "
                "driver"),)))
            return
        notes: list[Note] = []
        base = paddr // PAGE * PAGE
        length = pages(paddr + size - base)
        if base != paddr:
            notes.append(self.note(conn, f"a device at 0x{paddr:x}, not on a page boundary",
                                   f"the region starts at 0x{base:x}: add 0x{paddr - base:x} to its address "
                                   "in the driver"))
        region = self.unique(conn.name)
        for end, pd in self.software_ends(conn):
            pd.maps.append(Map(region, pd.take_vaddr(length), "rw", False, end.interface.name))
        self.regions.append(Region(region, length, conn.name, base, tuple(notes)))

    # -- channels ------------------------------------------------------------------------

    def irq(self, conn: FlatConnection) -> None:
        device = [e for e in conn.side("from") if e.instance is not None]
        hw, iface = (device[0].instance.name, device[0].interface.name) if device and device[0].instance else ("", "")
        number = self.int_setting(hw, f"{iface}_irq_number")
        kind = self.setting(hw, f"{iface}_irq_type")
        if number is None or kind not in (None, "simple", "arm"):
            self.unmapped.append(Unmapped(conn.name, conn.connector.name or "", (self.note(
                conn, f"an interrupt whose number (`{hw}.{iface}_irq_number`) is not a plain number here",
                "add `<irq irq=\"N\" id=\"...\">` to the PD that handles it"),)))
            return
        trigger = self.setting(hw, f"{iface}_irq_trigger")
        for end, pd in self.software_ends(conn):
            ident = pd.take_id(end.interface.name)
            if ident is None:
                self.out_of_ids(conn, pd)
                continue
            pd.irqs.append(Irq(number, ident, end.interface.name, "edge" if trigger == "edge" else None))

    def notify(self, conn: FlatConnection) -> None:
        self.pairs(conn, pp=False, notes=())

    def rpc(self, conn: FlatConnection) -> None:
        what, todo = fam.RPC_DATAPORT_TODO if conn.connector.name in fam.RPC_DATAPORT else fam.MARSHALLING
        self.pairs(conn, pp=True, notes=(self.note(conn, what, todo),))

    def pairs(self, conn: FlatConnection, pp: bool, notes: tuple[Note, ...]) -> None:
        """One channel per (from, to) pair of PDs; with `pp` the `from` end calls the `to` end."""
        ends = self.software_ends(conn)
        froms = [(e, p) for e, p in ends if e.side == "from"]
        tos = [(e, p) for e, p in ends if e.side == "to"]
        made = 0
        for fe, fpd in froms:
            for te, tpd in tos:
                if fpd is tpd:
                    notes = (*notes, self.note(conn, f"{fpd.name} connected to itself",
                                               "call the function directly; no channel is needed"))
                    continue
                a, b = fpd.take_id(fe.interface.name), tpd.take_id(te.interface.name)
                if a is None or b is None:
                    self.out_of_ids(conn, fpd if a is None else tpd)
                    continue
                if pp:
                    self.calls.add((fpd.name, tpd.name))
                self.channels.append(Channel(conn.name, conn.connector.name or "",
                                             ChannelEnd(fpd.name, a, fe.interface.name, pp),
                                             ChannelEnd(tpd.name, b, te.interface.name), notes if not made else ()))
                made += 1
        if not made:
            self.unmapped.append(Unmapped(conn.name, conn.connector.name or "", notes or (self.note(
                conn, "a connection with no two PDs to join", "nothing, or a channel by hand"),)))

    def out_of_ids(self, conn: FlatConnection, pd: _Pd) -> None:
        self.warnings.append(f"{pd.name} has no channel id left (Microkit allows {MAX_ID}) for connection "
                             f"{conn.name}: merge some of its connections")

    # -- what only the instance says -----------------------------------------------------

    def instance_notes(self, inst: FlatInstance) -> list[Note]:
        comp = inst.component
        subject = f"instance {inst.name} ({comp.name})"
        out = []
        threads = len(comp.of_kind(m.PROVIDES)) + (1 if comp.control else 0)
        if threads > 1 or (threads == 1 and comp.of_kind(m.CONSUMES)):
            out.append(Note(subject, fam.THREADS[0], fam.THREADS[1]))
        if any(i.kind in (m.MUTEX, m.SEMAPHORE, m.BINARY_SEMAPHORE) for i in comp.interfaces):
            out.append(Note(subject, fam.LOCKS[0], fam.LOCKS[1]))
        settings = self.config.get(inst.name, {})
        if (comp.name or "").startswith("VM") or any(k in settings for k in ("vm_address_config",
                                                                              "linux_address_config")):
            out.append(Note(subject, fam.VM[0], fam.VM[1]))
        queries = sorted(k for k, (v, _, _) in settings.items() if isinstance(v, m.QueryValue))
        if queries:
            out.append(Note(subject, fam.DTB[0] + " in " + ", ".join(queries), fam.DTB[1]))
        return out

    # -- the result ----------------------------------------------------------------------

    def priorities(self) -> dict[str, int]:
        configured: dict[str, int] = {}
        for key, pd in self.pds.items():
            found = [v for attr in ("_priority", "priority") if (v := self.int_setting(key, attr)) is not None]
            found += [v for iface in pd.instance.component.of_kind(m.PROVIDES)
                      if (v := self.int_setting(key, f"{iface.name}_priority")) is not None]
            if found:
                value = max(found)
                if not 0 <= value <= priorities.MAX:
                    self.warnings.append(f"{pd.name}: priority {value} is outside Microkit's 0..254; "
                                         "it is clamped")
                    value = min(max(value, 0), priorities.MAX)
                configured[pd.name] = value
        out, warnings = priorities.assign((p.name for p in self.pds.values()), configured, self.calls)
        self.warnings.extend(warnings)
        return out

    def budget(self, pd: _Pd) -> tuple[int | None, int | None]:
        budget = self.int_setting(pd.instance.name, "_budget")
        period = self.int_setting(pd.instance.name, "_period")
        if budget is None and period is None:
            return None, None
        budget = budget if budget is not None and budget > 0 else min(1000, period or 1000)
        period = period if period is not None and period > 0 else budget
        if budget > period:
            self.warnings.append(f"{pd.name}: budget {budget} is more than its period {period}; the period is "
                                 "raised to the budget")
            period = budget
        return budget, period

    def finish(self) -> Ported:
        prio = self.priorities()
        pds = []
        for pd in sorted(self.pds.values(), key=lambda p: p.name):
            budget, period = self.budget(pd)
            pds.append(Pd(pd.name, pd.instance.name, pd.instance.component.name or "", prio[pd.name], budget, period,
                          tuple(pd.maps), tuple(pd.irqs), tuple(pd.paddr_vars), tuple(pd.notes)))
        channels = tuple(self.checked_call(c, prio) for c in self.channels)
        ported = Ported(self.app, tuple(pds), tuple(sorted(self.regions, key=lambda r: r.name)),
                        channels, tuple(self.unmapped), tuple(self.warnings), self.suggestions())
        cside = tuple((p.name, c_side(self.pds[p.instance].instance.component, self.pds[p.instance].ids))
                      for p in pds)
        return replace(ported, cside=cside)

    def checked_call(self, channel: Channel, prio: dict[str, int]) -> Channel:
        """A call that cannot go to a strictly higher priority is written as a plain channel, with a note:
        the file stays valid, and the warning says why."""
        caller, callee = channel.first.pd, channel.second.pd
        if not channel.first.pp or prio[caller] < prio[callee]:
            return channel
        note = Note(f"connection {channel.connection} ({channel.connector})",
                    f"a call from {caller} (priority {prio[caller]}) to {callee} (priority {prio[callee]})",
                    "it is written without `pp`, as a notification channel: make the callee's priority higher "
                    "and add `pp=\"true\"` to the caller's end, or turn the call into notifications")
        return replace(channel, first=replace(channel.first, pp=False), notes=(*channel.notes, note))

    def suggestions(self) -> tuple[str, ...]:
        """A shared region between two PDs that notify each other both ways is an sDDF queue pair."""
        notified = {(c.first.pd, c.second.pd) for c in self.channels if c.connector in fam.NOTIFY}
        out = []
        for region in sorted(self.regions, key=lambda r: r.name):
            if region.phys_addr is not None:
                continue
            users = sorted({pd.name for pd in self.pds.values() for mp in pd.maps if mp.region == region.name})
            for i, a in enumerate(users):
                for b in users[i + 1:]:
                    if (a, b) in notified and (b, a) in notified:
                        out.append(f"{region.name} is shared by {a} and {b}, which notify each other both ways: "
                                   "an sDDF queue pair (`sddf/queue.h`: free and active queues in the region, "
                                   "a notification when one fills) would replace the hand-made protocol")
        return tuple(out)


def port(flat: FlatAssembly, app: str) -> Ported:
    return _Mapper(flat, app).run()
