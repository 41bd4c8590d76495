"""The Markdown rendering: summary, graph as tables, memory maps, isolation report."""

from __future__ import annotations

from drvls.views.isolation import DESIGNS, STUDY, STUDY_CLAIMS, summary_rows
from drvls.views.model import Span, SystemView
from drvls.views.text import cached, size, span_range

_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]|#"} | {"<": "&lt;", ">": "&gt;", "&": "&amp;",
                                                                 "\n": " ", "\r": " "})


def esc(text: object) -> str:
    """Text from a file, shown literally in Markdown (no markup, no HTML, no table breaks)."""
    return str(text).translate(_SPECIAL)


def table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return [*out, ""]


def render(view: SystemView) -> str:
    lines = [f"# {esc(view.name)}", "", f"{view.family} system: {len(view.domains)} domains, "
             f"{len(view.links)} links, {len(view.regions)} regions.", ""]
    lines += [f"> {esc(note)}" for note in view.notes]
    lines += ["## Isolation summary", ""]
    rows = [[esc(d), f"**{k}**", n, esc(fact)] for d, k, n, fact in summary_rows(view.isolation)]
    lines += table(["driver", "design", "", "deciding fact"], rows) if rows else ["No driver-like domain.", ""]
    lines += _graph(view) + _memory(view) + _report(view)
    return "\n".join(lines).rstrip() + "\n"


def _graph(view: SystemView) -> list[str]:
    names = {d.key: d.name for d in view.domains}
    lines = ["## System graph", ""]
    lines += table(["domain", "kind", "in", "priority", "details", "IRQs", "devices"],
                   [[esc(d.name), d.kind, esc(names.get(d.parent or "", "")), str(d.priority or ""),
                     esc(", ".join(f"{k}={v}" for k, v in d.details)), esc(", ".join(d.irqs)),
                     esc(", ".join(d.devices))] for d in view.domains])
    if view.links:
        lines += ["### Links", ""]
        lines += table(["kind", "from", "to", "label"],
                       [[link.kind, esc(names.get(link.source, link.source)), esc(names.get(link.target, link.target)),
                         esc(link.label)] for link in view.links])
    users: dict[str, list[str]] = {}
    for d in view.domains:
        for a in d.accesses:
            users.setdefault(a.region, []).append(f"{esc(d.name)} ({esc(a.perms)})")
    shared = [[esc(r), ", ".join(u)] for r, u in users.items() if len(u) > 1]
    if shared:
        lines += ["### Shared regions", "", *table(["region", "mapped by"], shared)]
    return lines


def _spans(spans: tuple[Span, ...]) -> list[str]:
    return table(["range", "size", "what", "perms", "cached", "note"],
                 [[span_range(s), size(s.size), esc(s.label), esc(s.perms), cached(s.cached),
                   ("**overlaps** " + esc(", ".join(s.overlaps))) if s.overlaps else ("gap" if s.kind == "gap" else "")]
                  for s in spans])


def _memory(view: SystemView) -> list[str]:
    lines = ["## Memory maps", ""]
    for space in view.spaces:
        lines += [f"### {esc(space.name)}", ""]
        if space.note:
            lines += [f"_{esc(space.note)}_", ""]
        lines += _spans(space.spans)
    lines += ["### Physical layout of fixed-address regions", ""]
    lines += _spans(view.physical) if view.physical else ["No region has a fixed physical address.", ""]
    return lines


def _report(view: SystemView) -> list[str]:
    lines = ["## Isolation report", ""]
    for iso in view.isolation:
        title = f"### {esc(iso.domain)} ({iso.role})"
        if iso.design is not None:
            title += f": design {iso.design}, {DESIGNS[iso.design]}"
        lines += [title, ""]
        writable = [s for s in iso.sharing if s.writable]
        readonly = [s for s in iso.sharing if not s.writable]
        lines.append("- shared writable: " + (", ".join(
            f"{esc(s.region)} with {esc(', '.join(n for n, _ in s.peers))}" for s in writable) or "none"))
        lines.append("- shared read-only: " + (", ".join(
            f"{esc(s.region)} with {esc(', '.join(n for n, _ in s.peers))}" for s in readonly) or "none"))
        lines.append("- may notify it: " + (esc(", ".join(iso.notified_by)) or "none"))
        lines.append("- may call it: " + (", ".join(f"{esc(n)} (priority {p if p is not None else '?'})"
                                                   for n, p in iso.called_by) or "none"))
        lines.append("- IRQs: " + (esc(", ".join(iso.irqs)) or "none"))
        lines.append("- device regions: " + (esc(", ".join(iso.devices)) or "none"))
        if iso.design is not None:
            lines += ["", "Facts:", *[f"- {esc(f)}" for f in iso.facts]]
            lines += ["", "To reach a stricter design:",
                      *([f"- {esc(s)}" for s in iso.stricter] or ["- none: already design A"])]
            claims = STUDY_CLAIMS[iso.design]
            lines += ["", f"Claimed by {STUDY} for design {iso.design} (its figures, not measured here): "
                      f"security {claims['security']}, performance overhead {claims['performance_overhead']}, "
                      f"migration complexity {claims['migration_complexity']}, "
                      f"memory overhead {claims['memory_overhead']}."]
        lines.append("")
    return lines
