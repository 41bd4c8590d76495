"""The ported system as a `.system` file, laid out by the Microkit formatter like a hand-written one."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from drvls.core.formatting import Refused
from drvls.microkit.format import format_system
from drvls.port.system import Channel, Note, Ported, Unmapped

INDENT = "    "


def comment(text: str) -> str:
    """An XML comment that stays one: `--` may not appear inside."""
    body = text.replace("--", "- -")
    return f"<!-- {body.rstrip('-')} -->"


def note_comment(note: Note) -> str:
    return comment(f"TODO {note.subject}: {note.text}")


def _tag(name: str, attrs: list[tuple[str, str]], close: bool = True) -> str:
    inner = "".join(f" {key}={quoteattr(value)}" for key, value in attrs)
    return f"<{name}{inner}{' />' if close else '>'}"


def write_system(ported: Ported) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             comment(f"Ported from the CAmkES app {ported.app} by drvls port. Every TODO comment is a part "
                     "that must be written by hand; the report lists them all."),
             "<system>"]
    if ported.regions:
        for region in ported.regions:
            lines += [INDENT + note_comment(n) for n in region.notes]
            attrs = [("name", region.name), ("size", hex(region.size))]
            if region.phys_addr is not None:
                attrs.append(("phys_addr", hex(region.phys_addr)))
            lines.append(INDENT + _tag("memory_region", attrs))
        lines.append("")
    for pd in ported.pds:
        attrs = [("name", pd.name), ("priority", str(pd.priority))]
        if pd.budget is not None:
            attrs.append(("budget", str(pd.budget)))
        if pd.period is not None:
            attrs.append(("period", str(pd.period)))
        lines.append(INDENT + _tag("protection_domain", attrs, close=False))
        inner = INDENT * 2
        lines += [inner + note_comment(n) for n in pd.notes]
        lines.append(inner + _tag("program_image", [("path", pd.image)]))
        for mp in pd.maps:
            map_attrs = [("mr", mp.region), ("vaddr", hex(mp.vaddr)), ("perms", mp.perms)]
            if not mp.cached:
                map_attrs.append(("cached", "false"))
            if mp.setvar:
                map_attrs.append(("setvar_vaddr", mp.setvar))
            lines.append(inner + _tag("map", map_attrs))
        for irq in pd.irqs:
            irq_attrs = [("irq", str(irq.irq)), ("id", str(irq.id))]
            if irq.trigger:
                irq_attrs.append(("trigger", irq.trigger))
            lines.append(inner + comment(f"interrupt of {irq.interface}"))
            lines.append(inner + _tag("irq", irq_attrs))
        for var in pd.paddr_vars:
            lines.append(inner + _tag("setvar", [("symbol", var.symbol), ("region_paddr", var.region)]))
        lines.append(INDENT + "</protection_domain>")
        lines.append("")
    connections: list[Channel | Unmapped] = [*ported.channels, *ported.unmapped]
    for item in sorted(connections, key=lambda c: c.connection):
        lines += [INDENT + note_comment(n) for n in item.notes]
        if isinstance(item, Channel):
            lines.append(INDENT + comment(f"{item.connection} ({item.connector}): "
                                          f"{item.first.pd}.{item.first.interface} → "
                                          f"{item.second.pd}.{item.second.interface}"))
            lines.append(INDENT + "<channel>")
            for end in (item.first, item.second):
                end_attrs = [("pd", end.pd), ("id", str(end.id))]
                if end.pp:
                    end_attrs.append(("pp", "true"))
                lines.append(INDENT * 2 + _tag("end", end_attrs))
            lines.append(INDENT + "</channel>")
    lines.append("</system>")
    text = "\n".join(lines) + "\n"
    formatted = format_system(text)
    if isinstance(formatted, Refused):  # the writer made bad XML: a bug, never the user's input
        raise ValueError(f"drvls port wrote a system the formatter refuses: {formatted}")
    return formatted
