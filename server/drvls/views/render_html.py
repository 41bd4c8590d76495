"""The self-contained, offline HTML page: graph (ELK in the page), memory maps and isolation report.

Every name from a file goes through `html.escape` (tables) or `textContent` (the graph), and the
graph's data travels as JSON inside a non-executed script element with `<`, `>` and `&` escaped.
The Content-Security-Policy allows only this page's own scripts and style, by hash: no remote
resource, no inline handler, no eval.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import asdict
from functools import cache
from html import escape
from importlib import resources

from drvls.views.graph import build_graph
from drvls.views.isolation import DESIGNS, STUDY, STUDY_CLAIMS, summary_rows
from drvls.views.model import Isolation, Span, SystemView
from drvls.views.text import cached, size, span_range


@cache
def asset(name: str) -> str:
    return resources.files("drvls.views").joinpath("static", name).read_text(encoding="utf-8")


def digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def json_for_script(value: object) -> str:
    """JSON that cannot end its `<script>` element or open markup, whatever the names contain."""
    return (json.dumps(value, ensure_ascii=False).replace("&", "\\u0026").replace("<", "\\u003c")
            .replace(">", "\\u003e").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def page(title: str, meta: str, tabs: list[tuple[str, str]], sections: str, scripts: list[str],
         data_scripts: str = "") -> str:
    """The page shell every preview shares (the `.drv` preview too)."""
    css = asset("page.css")
    script_src = " ".join(digest(s) for s in scripts) or "'none'"
    policy = (f"default-src 'none'; script-src {script_src}; style-src {digest(css)}; img-src data:; "
              "font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'")
    nav = "".join(f'<button type="button" data-view="{escape(i)}">{escape(label)}</button>' for i, label in tabs)
    body_scripts = "".join(f"<script>{s}</script>\n" for s in scripts)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{escape(policy)}\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
            f"<header><h1>{escape(title)}</h1><span class=\"meta\">{escape(meta)}</span><nav>{nav}</nav></header>\n"
            f"<main>\n{sections}</main>\n{data_scripts}{body_scripts}</body>\n</html>\n")


def render(view: SystemView) -> str:
    graph = build_graph(view)
    data = {"nodes": [asdict(n) for n in graph.nodes], "edges": [asdict(e) for e in graph.edges]}
    meta = f"{view.family} · {len(view.domains)} domains · {len(view.links)} links · {len(view.regions)} regions"
    sections = _graph_section() + _memory_section(view) + _isolation_section(view)
    data_script = f'<script type="application/json" id="graph-data">{json_for_script(data)}</script>\n'
    return page(view.name, meta, [("view-graph", "System graph"), ("view-memory", "Memory maps"),
                                  ("view-isolation", "Isolation report")],
                sections, [asset("elk.bundled.js"), asset("page.js")], data_script)


def _graph_section() -> str:
    return ('<section class="view" id="view-graph"><h2>System graph</h2>\n'
            '<div class="toolbar"><input type="search" id="search" placeholder="Search by name" '
            'aria-label="Search by name"><label><input type="checkbox" id="grouping" checked> group drivers, '
            'virtualisers and clients</label><button type="button" id="fit">Fit</button>'
            '<span id="status"></span></div>\n'
            '<div class="legend"><span class="key driver">driver</span><span class="key virtualiser">virtualiser</span>'
            '<span class="key client">client</span>'
            '<span>solid: notification / event</span><span>bold: protected procedure call / RPC</span>'
            '<span>red (dashed or halo): shared writable</span><span>grey: shared read-only</span></div>\n'
            '<div id="canvas"><svg id="graph" role="img" aria-label="system graph"></svg>'
            '<aside id="details" hidden></aside></div>\n</section>\n')


def _span_rows(spans: tuple[Span, ...]) -> str:
    rows = []
    for s in spans:
        cls = "overlap" if s.overlaps else ("gap" if s.kind == "gap" else ("top" if s.kind in (
            "stack", "guard", "ipc_buffer", "segment") else ""))
        note = ("overlaps " + ", ".join(s.overlaps)) if s.overlaps else ""
        rows.append(f'<tr class="{cls}"><td class="num">{escape(span_range(s))}</td>'
                    f'<td class="num">{escape(size(s.size))}</td><td>{escape(s.label)}</td>'
                    f"<td>{escape(s.perms)}</td><td>{escape(cached(s.cached))}</td><td>{escape(note)}</td></tr>")
    return ("<table><thead><tr><th>range</th><th>size</th><th>what</th><th>perms</th><th>cached</th>"
            "<th>note</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>\n")


def _memory_section(view: SystemView) -> str:
    parts = ['<section class="view" id="view-memory" hidden><h2>Memory maps</h2>\n']
    for space in view.spaces:
        parts.append(f'<div class="space"><h3>{escape(space.name)}</h3>')
        if space.note:
            parts.append(f'<p class="note">{escape(space.note)}</p>')
        parts.append(_span_rows(space.spans) + "</div>\n")
    parts.append("<h3>Physical layout of fixed-address regions</h3>\n")
    parts.append(_span_rows(view.physical) if view.physical else
                 '<p class="note">No region has a fixed physical address.</p>\n')
    parts.append("</section>\n")
    return "".join(parts)


def _badge(design: str | None) -> str:
    return f'<span class="badge design-{escape(design)}">{escape(design)}</span>' if design else ""


def _isolation_section(view: SystemView) -> str:
    parts = ['<section class="view" id="view-isolation" hidden><h2>Isolation report</h2>\n']
    rows = summary_rows(view.isolation)
    if rows:
        parts.append("<table id=\"summary\"><thead><tr><th>driver</th><th>design</th><th>deciding fact</th>"
                     "</tr></thead><tbody>")
        parts += [f"<tr><td>{escape(d)}</td><td>{_badge(k)} {escape(n)}</td><td>{escape(f)}</td></tr>"
                  for d, k, n, f in rows]
        parts.append("</tbody></table>\n")
    else:
        parts.append('<p class="note">No driver-like domain (none holds an IRQ, a device region or an I/O '
                     "mapping).</p>\n")
    parts += [_card(iso) for iso in view.isolation]
    parts.append("</section>\n")
    return "".join(parts)


def _items(values: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(v)}</li>" for v in values) + "</ul>" if values else " none"


def _card(iso: Isolation) -> str:
    title = f"{escape(iso.domain)} <small>({escape(iso.role)})</small>"
    if iso.design:
        title += f" {_badge(iso.design)} design {escape(iso.design)}: {escape(DESIGNS[iso.design])}"
    writable = [f"{s.region} with " + ", ".join(f"{n} ({p})" for n, p in s.peers) for s in iso.sharing if s.writable]
    readonly = [f"{s.region} with " + ", ".join(n for n, _ in s.peers) for s in iso.sharing if not s.writable]
    out = [f'<div class="card" data-domain="{escape(iso.domain)}"><h3>{title}</h3>',
           f"<div>Shared writable:{_items(writable)}</div>", f"<div>Shared read-only:{_items(readonly)}</div>",
           f"<div>May notify it:{_items(list(iso.notified_by))}</div>",
           "<div>May call it:" + _items([f"{n} (priority {p if p is not None else '?'})" for n, p in iso.called_by])
           + "</div>", f"<div>IRQs:{_items(list(iso.irqs))}</div>",
           f"<div>Device regions:{_items(list(iso.devices))}</div>"]
    if iso.design:
        claims = STUDY_CLAIMS[iso.design]
        out += [f"<div>Facts:{_items(list(iso.facts))}</div>",
                f"<div>Towards a stricter design:{_items(list(iso.stricter) or ['none: already design A'])}</div>",
                f'<p class="claims">Claimed by {escape(STUDY)} for design {escape(iso.design)} (its figures, not '
                f"measured here): security {escape(claims['security'])}, performance overhead "
                f"{escape(claims['performance_overhead'])}, migration complexity "
                f"{escape(claims['migration_complexity'])}, memory overhead {escape(claims['memory_overhead'])}.</p>"]
    out.append("</div>\n")
    return "".join(out)
