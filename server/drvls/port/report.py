"""The Markdown report of a port: what was mapped, what must be written by hand, and the C-side mapping."""

from __future__ import annotations

from drvls.port.system import Ported


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def write_report(ported: Ported) -> str:
    out = [f"# Porting {ported.app} to Microkit", ""]
    notes = ported.notes()
    out += [f"{len(ported.pds)} protection domains, {len(ported.regions)} memory regions, "
            f"{len(ported.channels)} channels; {_count(len(notes), 'item')} to write by hand, "
            f"{_count(len(ported.warnings), 'warning')}.", ""]
    out += ["## Protection domains", "", "| PD | CAmkES instance | component | priority | budget / period |",
            "| --- | --- | --- | --- | --- |"]
    for pd in ported.pds:
        budget = f"{pd.budget} / {pd.period}" if pd.budget is not None else "default"
        out.append(f"| {pd.name} | {pd.instance} | {pd.component} | {pd.priority} | {budget} |")
    out.append("")
    if ported.regions:
        out += ["## Memory regions", "", "| region | size | physical address | from connection | mapped into |",
                "| --- | --- | --- | --- | --- |"]
        for region in ported.regions:
            users = ", ".join(f"{pd.name} ({mp.perms})" for pd in ported.pds for mp in pd.maps
                              if mp.region == region.name)
            paddr = hex(region.phys_addr) if region.phys_addr is not None else "allocated"
            out.append(f"| {region.name} | {hex(region.size)} | {paddr} | {region.connection} | {users} |")
        out.append("")
    if ported.channels:
        out += ["## Channels", "", "| connection | connector | end | end | kind |", "| --- | --- | --- | --- | --- |"]
        for ch in ported.channels:
            kind = "protected call" if ch.first.pp else "notification"
            out.append(f"| {ch.connection} | {ch.connector} | {ch.first.pd} id {ch.first.id} | "
                       f"{ch.second.pd} id {ch.second.id} | {kind} |")
        out.append("")
    if ported.warnings:
        out += ["## Warnings", ""] + [f"- {_cell(w)}" for w in ported.warnings] + [""]
    out += ["## To write by hand", ""]
    if not notes:
        out += ["Nothing: every connection was mapped.", ""]
    for note in notes:
        out.append(f"- **{note.subject}**: {note.text}")
    out.append("")
    if ported.suggestions:
        out += ["## Suggestions", ""] + [f"- {s}" for s in ported.suggestions] + [""]
    out += ["## C side", "", "Which `camkes.h` calls of each interface become which `microkit.h` calls.", ""]
    for pd_name, rows in ported.cside:
        out += [f"### {pd_name}", ""]
        if not rows:
            out += ["No interfaces.", ""]
            continue
        out += ["| interface | CAmkES | Microkit |", "| --- | --- | --- |"]
        out += [f"| {_cell(i)} | {_cell(c)} | {_cell(k)} |" for i, c, k in rows]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
