"""Priorities so every protected procedure call goes to a strictly higher priority, as Microkit requires.

Configured priorities are kept. Unconfigured PDs get the default, raised above every caller and
lowered below every callee where that is possible. What cannot be met (a call cycle, or configured
values in the wrong order) is a warning, never a silent change.
"""

from __future__ import annotations

from collections.abc import Iterable

DEFAULT = 100
MAX = 254


def assign(names: Iterable[str], configured: dict[str, int],
           calls: set[tuple[str, str]]) -> tuple[dict[str, int], list[str]]:
    """Priority per PD and the warnings; `calls` holds (caller, callee) pairs."""
    nodes = sorted(set(names))
    callees: dict[str, set[str]] = {n: set() for n in nodes}
    callers: dict[str, set[str]] = {n: set() for n in nodes}
    for caller, callee in calls:
        callees[caller].add(callee)
        callers[callee].add(caller)
    order, cyclic = _topological(nodes, callees, callers)
    upper: dict[str, int] = {}
    for n in reversed(order):
        bounds = [configured[c] - 1 if c in configured else upper[c] - 1 for c in callees[n] if c in upper]
        upper[n] = min([MAX, *bounds])
    out: dict[str, int] = {}
    for n in order:
        if n in configured:
            out[n] = configured[n]
            continue
        lower = max([0, *(out[c] + 1 for c in callers[n] if c in out)])
        out[n] = min(MAX, max(lower, min(DEFAULT, upper[n])))
    for n in sorted(cyclic):
        out[n] = configured.get(n, DEFAULT)
    warnings = []
    if cyclic:
        warnings.append("calls go round in a cycle between " + ", ".join(sorted(cyclic)) + ": no priorities "
                        "make every call go to a strictly higher priority; break the cycle with notifications")
    for caller, callee in sorted(calls):
        if caller in cyclic and callee in cyclic:
            continue
        if out[caller] >= out[callee]:
            warnings.append(f"{caller} (priority {out[caller]}) calls {callee} (priority {out[callee]}): a "
                            "protected procedure call must go to a strictly higher priority; the configured "
                            "priorities make that impossible, so change them")
    return out, warnings


def _topological(nodes: list[str], callees: dict[str, set[str]],
                 callers: dict[str, set[str]]) -> tuple[list[str], set[str]]:
    """Callers before callees (Kahn, by name); what is left over is on or behind a cycle."""
    waiting = {n: len(callers[n]) for n in nodes}
    ready = sorted(n for n in nodes if waiting[n] == 0)
    order: list[str] = []
    while ready:
        n = ready.pop(0)
        order.append(n)
        for c in sorted(callees[n]):
            waiting[c] -= 1
            if waiting[c] == 0:
                ready.append(c)
        ready.sort()
    return order, set(nodes) - set(order)
