"""Address spaces in address order, with overlaps and gaps marked."""

from __future__ import annotations

from dataclasses import replace

from drvls.views.model import Span

PAGE = 0x1000


def microkit_top(user_vspace_top: int, stack_size: int) -> list[Span]:
    """What the Microkit tool places at the top of every PD's address space.

    As in the tool's `Config::pd_ipc_buffer`, `pd_stack_top` and `pd_stack_bottom`: the IPC
    buffer is the highest page, a guard page sits below it, and the stack ends at the guard.
    """
    ipc = user_vspace_top & ~(PAGE - 1)
    stack_top = ipc - PAGE
    return [Span(stack_top - stack_size, stack_size, "stack", "stack", "rw", True),
            Span(stack_top, PAGE, "guard", "guard page"),
            Span(ipc, PAGE, "ipc_buffer", "IPC buffer", "rw", True)]


def lay_out(spans: list[Span]) -> tuple[Span, ...]:
    """Sort by address, mark overlapping entries and insert the gaps between placed ones.

    Entries without an address or size (unknown region, build-time placement) follow, unmarked.
    """
    placed = sorted((s for s in spans if s.start is not None and s.size is not None),
                    key=lambda s: (s.start or 0, s.size or 0))
    loose = [s for s in spans if s.start is None or s.size is None]
    hits: dict[int, list[str]] = {i: [] for i in range(len(placed))}
    for i, a in enumerate(placed):
        a_end = a.end or 0
        for j in range(i + 1, len(placed)):
            b = placed[j]
            if (b.start or 0) >= a_end:
                break
            hits[i].append(b.label)
            hits[j].append(a.label)
    out: list[Span] = []
    reach: int | None = None
    for i, span in enumerate(placed):
        start = span.start or 0
        if reach is not None and start > reach:
            out.append(Span(reach, start - reach, "gap", "unmapped"))
        out.append(replace(span, overlaps=tuple(dict.fromkeys(hits[i]))) if hits[i] else span)
        reach = max(reach or 0, span.end or 0)
    return (*out, *loose)
