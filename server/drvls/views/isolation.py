"""Classing each driver-like domain by the three driver-isolation designs of the design study.

A domain is driver-like when it holds an IRQ, a device region or an I/O mapping. A region is
*shared writable* when two or more domains map it and at least one of them maps it with `w`.
Design A (full isolation): no shared writable region. Design B (hybrid): every shared writable
region is shared with exactly one peer, as sDDF's queues and data regions are. Design C
(minimal): some writable region is shared with several domains.
"""

from __future__ import annotations

import re
from collections import defaultdict

from drvls.views.model import Domain, Isolation, Link, Sharing

DESIGNS = {
    "A": "full isolation",
    "B": "hybrid isolation",
    "C": "minimal isolation",
}

# The design study's own trade-off table, quoted as its claims (not measured here).
STUDY_CLAIMS: dict[str, dict[str, str]] = {
    "A": {"security": "High", "performance_overhead": "15-25%", "migration_complexity": "High",
          "memory_overhead": "~10-20 MB/library"},
    "B": {"security": "Medium-High", "performance_overhead": "8-15%", "migration_complexity": "Medium-High",
          "memory_overhead": "~5-10 MB/library"},
    "C": {"security": "Medium", "performance_overhead": "3-8%", "migration_complexity": "Low",
          "memory_overhead": "~5-10 MB/library"},
}
STUDY = "the IBEAM driver design study"

_VIRTUALISER = re.compile(r"virt|mux|multiplex", re.IGNORECASE)


def sharers(domains: tuple[Domain, ...]) -> dict[str, list[tuple[str, str]]]:
    """Region name → (domain name, perms) of every domain that maps it, in domain order."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for dom in domains:
        for acc in dom.accesses:
            out[acc.region].append((dom.name, acc.perms))
    return out


def shared_writable(users: list[tuple[str, str]]) -> bool:
    return len({name for name, _ in users}) >= 2 and any("w" in perms for _, perms in users)


def classify(domains: tuple[Domain, ...], links: tuple[Link, ...]) -> tuple[Isolation, ...]:
    users = sharers(domains)
    names = {d.key: d.name for d in domains}
    priority = {d.key: d.priority for d in domains}
    drivers = {d.key for d in domains if is_driver_like(d)}
    neighbours = _neighbours(domains, users)
    named = {d.key for d in domains if _VIRTUALISER.search(d.name)}
    by_domain: dict[str, list[Link]] = defaultdict(list)
    for link in links:
        by_domain[link.source].append(link)
        if link.target != link.source:
            by_domain[link.target].append(link)
    out = []
    for dom in domains:
        sharing = _sharing(dom, users)
        notified_by: list[str] = []
        called_by: list[tuple[str, int | None]] = []
        for link in by_domain.get(dom.key, ()):
            if link.kind in ("notify", "ppc"):
                other = link.target if link.source == dom.key else link.source
                notified_by.append(names.get(other, other))
            if link.kind == "event" and link.target == dom.key:
                notified_by.append(names.get(link.source, link.source))
            if link.kind in ("ppc", "rpc") and link.target == dom.key:
                called_by.append((names.get(link.source, link.source), priority.get(link.source)))
        driver_like = dom.key in drivers
        role = "driver" if driver_like else _role(dom, neighbours, drivers, named)
        design, facts, stricter = judge(dom, sharing) if driver_like else (None, (), ())
        out.append(Isolation(dom.name, dom.key, role, driver_like, design, facts, stricter, sharing,
                             tuple(dict.fromkeys(notified_by)), tuple(dict.fromkeys(called_by)),
                             dom.irqs, dom.devices))
    return tuple(out)


def is_driver_like(dom: Domain) -> bool:
    return bool(dom.irqs or dom.devices or dom.iomaps)


def _sharing(dom: Domain, users: dict[str, list[tuple[str, str]]]) -> tuple[Sharing, ...]:
    out = []
    for acc in dom.accesses:
        all_users = users.get(acc.region, [])
        peers = tuple((n, p) for n, p in all_users if n != dom.name)
        if peers:
            out.append(Sharing(acc.region, acc.perms, peers, shared_writable(all_users)))
    return tuple(dict.fromkeys(out))


def judge(dom: Domain, sharing: tuple[Sharing, ...]) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The design a driver-like domain follows, the facts behind it, and what would make it stricter."""
    facts: list[str] = []
    if dom.irqs:
        facts.append("holds " + ", ".join(dom.irqs))
    if dom.devices:
        facts.append("maps device region(s) " + ", ".join(dom.devices))
    if dom.iomaps:
        facts.append("has I/O mappings of " + ", ".join(dom.iomaps))
    writable = [s for s in sharing if s.writable]
    wide = [s for s in writable if len({n for n, _ in s.peers}) >= 2]
    for s in writable:
        peers = ", ".join(f"{n} ({p or 'no rights'})" for n, p in s.peers)
        facts.append(f"shares {s.region} writable with {peers}")
    for s in sharing:
        if not s.writable:
            facts.append(f"shares {s.region} read-only with " + ", ".join(n for n, _ in s.peers))
    if wide:
        stricter = tuple(f"give each of {', '.join(n for n, _ in s.peers)} its own buffer instead of sharing "
                         f"{s.region} (design B)" for s in wide)
        return "C", tuple(facts), stricter
    if writable:
        regions = ", ".join(s.region for s in writable)
        return "B", tuple(facts), (f"replace the shared buffers {regions} by copying through channels or "
                                   "protected procedure calls (design A)",)
    facts.append("no memory shared writable with another domain")
    return "A", tuple(facts), ()


def _neighbours(domains: tuple[Domain, ...], users: dict[str, list[tuple[str, str]]]) -> dict[str, set[str]]:
    """Domain key → keys it shares a region with (channels alone make no virtualiser)."""
    by_name = {d.name: d.key for d in domains}
    out: dict[str, set[str]] = defaultdict(set)
    for found in users.values():
        keys = {by_name[n] for n, _ in found if n in by_name}
        for key in keys:
            out[key] |= keys - {key}
    return out


def _role(dom: Domain, neighbours: dict[str, set[str]], drivers: set[str], named: set[str]) -> str:
    """Virtualisers say so in their name, or share memory with a driver and with several others, none of
    them a named virtualiser (whose peers are its clients)."""
    near = neighbours.get(dom.key, set())
    if dom.key in named or (near & drivers and len(near - drivers) >= 2 and not near & named):
        return "virtualiser"
    return "client"


def summary_rows(isolation: tuple[Isolation, ...]) -> list[tuple[str, str, str, str]]:
    """(domain, design, name of the design, the deciding fact) for each driver-like domain."""
    rows = []
    for iso in isolation:
        if iso.design is None:
            continue
        deciding = next((f for f in iso.facts if f.startswith("shares") and "writable" in f), iso.facts[-1])
        rows.append((iso.domain, iso.design, DESIGNS[iso.design], deciding))
    return rows
