"""The C side of a port: which `camkes.h` calls of each interface become which `microkit.h` calls."""

from __future__ import annotations

from drvls.camkes import model as m

Row = tuple[str, str, str]  # interface, CAmkES, Microkit


def _channels(ids: list[int]) -> str:
    if not ids:
        return "(no channel: see the notes)"
    return "channel " + ", ".join(str(i) for i in ids)


def c_side(comp: m.Component, ids: dict[str, list[int]]) -> tuple[Row, ...]:
    rows: list[Row] = []
    if comp.control:
        rows.append(("control", "`int run(void)`", "`void init(void)`: start-up work only, then return; "
                                                   "the loop becomes `notified()`"))
    for iface in sorted(comp.interfaces, key=lambda i: i.name):
        rows.extend(_rows(iface, ids.get(iface.name, [])))
    return tuple(rows)


def _rows(iface: m.Interface, ids: list[int]) -> list[Row]:
    n, ch = iface.name, _channels(ids)
    if iface.kind == m.USES:
        return [(n, f"`{n}_METHOD(args...)`", f"`microkit_ppcall({ch.removeprefix('channel ')}, "
                 "microkit_msginfo_new(METHOD_LABEL, count))` with arguments in `microkit_mr_set(i, v)`, "
                 f"results from `microkit_mr_get(i)` ({ch})")]
    if iface.kind == m.PROVIDES:
        return [(n, f"`{n}_METHOD(args...)` implementations",
                 f"`microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)` dispatching on "
                 f"`microkit_msginfo_get_label(msginfo)` ({ch})")]
    if iface.kind == m.EMITS:
        return [(n, f"`{n}_emit()`", f"`microkit_notify(ch)` ({ch})")]
    if iface.kind == m.CONSUMES:
        return [(n, f"`{n}_wait()`, `{n}_poll()`, `{n}_reg_callback(f, arg)`",
                 f"`void notified(microkit_channel ch)`; an interrupt's `{n}_acknowledge()` becomes "
                 f"`microkit_irq_ack(ch)` ({ch})")]
    if iface.kind == m.DATAPORT:
        return [(n, f"`{n}` (a pointer), `{n}_acquire()`/`{n}_release()`",
                 f"`uintptr_t {n};` patched by the map's `setvar_vaddr`; barriers with "
                 "`__atomic_thread_fence`")]
    if iface.kind in (m.MUTEX, m.SEMAPHORE, m.BINARY_SEMAPHORE):
        return [(n, f"`{n}_lock()`/`{n}_wait()`", "nothing: a PD has one thread")]
    return []
