"""JSON and JSON-LD renderings of a view (the JSON-LD `@context` is documented in docs/previews.md)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from drvls.views.isolation import DESIGNS, STUDY, STUDY_CLAIMS
from drvls.views.model import Isolation, SystemView

VOCAB = "urn:drvls:views:1#"

CONTEXT: dict[str, Any] = {
    "@vocab": VOCAB,
    "drvls": VOCAB,
    "name": "drvls:name",
    "domains": {"@id": "drvls:domain", "@container": "@list"},
    "links": {"@id": "drvls:link", "@container": "@list"},
    "regions": {"@id": "drvls:region", "@container": "@list"},
    "isolation": {"@id": "drvls:isolation", "@container": "@list"},
    "design": {"@id": "drvls:design", "@type": "@vocab"},
    "A": "drvls:DesignA",
    "B": "drvls:DesignB",
    "C": "drvls:DesignC",
    "facts": {"@id": "drvls:fact", "@container": "@list"},
    "stricter": {"@id": "drvls:stricter", "@container": "@list"},
    "source": {"@id": "drvls:source", "@type": "@id"},
    "target": {"@id": "drvls:target", "@type": "@id"},
    "domainRef": {"@id": "drvls:domainRef", "@type": "@id"},
    "claims": "drvls:studyClaims",
}


def as_data(view: SystemView) -> dict[str, Any]:
    data = asdict(view)
    data["summary"] = summary(view.isolation)
    data["designs"] = designs()
    return data


def designs() -> dict[str, Any]:
    return {k: {"name": DESIGNS[k], "claims": STUDY_CLAIMS[k], "claimed_by": STUDY} for k in DESIGNS}


def summary(isolation: tuple[Isolation, ...]) -> list[dict[str, Any]]:
    return [{"domain": i.domain, "design": i.design, "design_name": DESIGNS[i.design]}
            for i in isolation if i.design is not None]


def to_json(view: SystemView) -> str:
    return json.dumps(as_data(view), ensure_ascii=False, indent=2) + "\n"


def to_jsonld(view: SystemView) -> str:
    """The isolation report as linked data: a `System` node holding `Domain` and `Link` nodes."""
    base = f"{view.family}:{view.name}"

    def node_id(key: str) -> str:
        return f"{base}#{key}"

    domains = []
    for d, iso in zip(view.domains, _isolation_by_key(view), strict=True):
        entry: dict[str, Any] = {"@id": node_id(d.key), "@type": "Domain", "name": d.name, "kind": d.kind}
        if d.priority is not None:
            entry["priority"] = d.priority
        if iso is not None:
            entry["role"] = iso.role
            if iso.design is not None:
                entry.update(design=iso.design, facts=list(iso.facts), stricter=list(iso.stricter),
                             claims=STUDY_CLAIMS[iso.design])
            entry["sharing"] = [{"@type": "Sharing", "region": s.region, "perms": s.perms, "writable": s.writable,
                                 "peers": [{"name": n, "perms": p} for n, p in s.peers]} for s in iso.sharing]
            entry["irqs"] = list(iso.irqs)
            entry["devices"] = list(iso.devices)
        domains.append(entry)
    doc = {
        "@context": CONTEXT,
        "@id": base,
        "@type": "System",
        "name": view.name,
        "family": view.family,
        "domains": domains,
        "links": [{"@id": node_id(link.key), "@type": "Link", "kind": link.kind, "label": link.label,
                   "source": node_id(link.source), "target": node_id(link.target)} for link in view.links],
        "regions": [{"@type": "Region", "name": r.name, "size": r.size, "physAddr": r.phys_addr}
                    for r in view.regions],
        "designs": [{"@id": f"drvls:Design{k}", "@type": "Design", "name": v["name"], "claims": v["claims"],
                     "claimedBy": v["claimed_by"]} for k, v in designs().items()],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _isolation_by_key(view: SystemView) -> list[Isolation | None]:
    found = {i.key: i for i in view.isolation}
    return [found.get(d.key) for d in view.domains]
