"""The `.drv` preview (rules, metadata, digest, signature state) as a page in the same style."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from drvls.drv.preview import Preview, to_json
from drvls.views.render_html import page


def _value(value: Any) -> str:
    if isinstance(value, list):
        if not value:
            return "—"
        return "<ul>" + "".join(f"<li>{_value(v)}</li>" for v in value) + "</ul>"
    if isinstance(value, dict):
        return "; ".join(f"{escape(str(k))}: {_value(v)}" for k, v in value.items() if v is not None)
    return "—" if value is None else f"<span class=\"text\">{escape(str(value))}</span>"


def render(preview: Preview) -> str:
    doc = json.loads(to_json(preview))
    meta_rows = [("file", doc["file"]), ("format version", doc["format_version"]), ("rules", doc["rule_count"]),
                 ("by kind", ", ".join(f"{n} {k}" for k, n in doc["counts"].items())),
                 ("digest", doc["digest"]["computed"]),
                 ("stored digest", doc["digest"]["stored"] + ("" if doc["digest"]["matches"] else " (does not match)")),
                 ("signature", preview.signature.describe())]
    table = "".join(f"<tr><th>{escape(k)}</th><td class=\"num\">{escape(str(v))}</td></tr>" for k, v in meta_rows)
    cards = []
    for n, rule in enumerate(doc["rules"], start=1):
        source = rule.pop("source", {}) or {}
        kind = rule.pop("kind", "rule")
        where = f"{source.get('file')}:{source.get('line')}" if source.get("file") else ""
        fields = "".join(f"<tr><th>{escape(k)}</th><td>{_value(v)}</td></tr>" for k, v in rule.items())
        cards.append(f'<div class="card"><h3>{n}. {escape(kind)} <small>{escape(where)}</small></h3>'
                     f"<table>{fields}</table></div>\n")
    sections = (f'<section class="view" id="view-meta"><h2>Metadata</h2><table id="meta">{table}</table>'
                f"</section>\n<section class=\"view\" id=\"view-rules\"><h2>Rules</h2>\n{''.join(cards)}</section>\n")
    return page(preview.name, f".drv version {preview.version} · {len(preview.ruleset.rules)} rules",
                [], sections, [])
