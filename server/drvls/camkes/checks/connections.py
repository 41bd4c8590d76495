"""Connection checks (camkes-tool `Connection.freeze`): end counts, types, sides, hardware."""

from __future__ import annotations

from drvls.camkes import codes
from drvls.camkes import model as m
from drvls.camkes.flatten import FlatConnection, FlatEnd
from drvls.camkes.model import Problem

FROM_KINDS = (m.EMITS, m.USES, m.DATAPORT)
TO_KINDS = (m.CONSUMES, m.PROVIDES, m.DATAPORT)
NEEDS = {
    ("from", "Event"): (m.EMITS, "events", "an emitted event"),
    ("from", "Procedure"): (m.USES, "procedures", "a used procedure"),
    ("from", "Dataport"): (m.DATAPORT, "dataports", "a dataport"),
    ("to", "Event"): (m.CONSUMES, "events", "a consumed event"),
    ("to", "Procedure"): (m.PROVIDES, "procedures", "a provided procedure"),
    ("to", "Dataport"): (m.DATAPORT, "dataports", "a dataport"),
}


def check_connection(conn: FlatConnection) -> list[Problem]:
    out: list[Problem] = []
    connector = conn.connector
    name = conn.name
    for side, spec in (("from", connector.from_end), ("to", connector.to_end)):
        ends = conn.side(side)
        if not ends:
            out.append(Problem(codes.END_COUNT, f"connection '{name}' has no {side} ends", conn.loc))
        elif len(ends) > 1 and not spec.multiple:
            out.append(Problem(codes.END_COUNT,
                               f"connection '{name}' has multiple {side} ends but its connector type "
                               f"({connector.name}) only permits one", conn.loc,
                               [(e.loc, f"{side} end") for e in ends]))
    out.extend(_types(conn))
    for end in conn.ends:
        out.extend(_end(conn, end))
    return out


def _type_key(end: FlatEnd) -> tuple[str, str]:
    iface = end.interface
    if iface.kind in (m.PROVIDES, m.USES):
        proc = end.procedure
        label = proc.name if proc is not None and proc.name else iface.type_text
        return (f"proc:{id(proc) if proc is not None else iface.type_text}", label)
    if iface.kind in (m.EMITS, m.CONSUMES):
        return (f"event:{iface.type_text}", "TokValue")
    return (f"dataport:{iface.type_text}", "str")


def _types(conn: FlatConnection) -> list[Problem]:
    if conn.connector.attribute_default("disable_interface_type_checking"):
        return []
    if any(e.interface.kind in (m.PROVIDES, m.USES) and e.procedure is None for e in conn.ends):
        return []  # an unresolved procedure is reported where it is named
    keys: dict[str, str] = {}
    for end in conn.ends:
        key, label = _type_key(end)
        keys.setdefault(key, label)
    if len(keys) <= 1:
        return []
    listed = ", ".join(sorted(keys.values()))
    written = sorted({_type_text(e) for e in conn.ends})
    # camkes-tool lists Python type names for events and dataports ("str, str"): name the real types too.
    shown = f" (the ends have types {' and '.join(written)})" if written != sorted(keys.values()) else ""
    related = [(e.interface.loc, f"{_end_name(e)}: {e.interface.type_text}") for e in conn.ends]
    return [Problem(codes.CONFLICTING_TYPES,
                    f"multiple conflicting types for the interfaces of connection '{conn.name}': {listed}{shown}",
                    conn.loc, related)]


def _type_text(end: FlatEnd) -> str:
    """The type as written at the end's declaration (`Buf(4096)`, `MyEvent`, a procedure's name)."""
    if end.procedure is not None and end.procedure.name:
        return end.procedure.name
    return end.interface.type_text or end.interface.kind


def _end_name(end: FlatEnd) -> str:
    if end.instance is None:
        return end.interface.name
    return f"{end.instance.name}.{end.interface.name}"


def _end(conn: FlatConnection, end: FlatEnd) -> list[Problem]:
    side = end.side
    spec = conn.connector.from_end if side == "from" else conn.connector.to_end
    iface = end.interface
    allowed = FROM_KINDS if side == "from" else TO_KINDS
    if iface.kind not in allowed:
        return [Problem(codes.END_KIND,
                        f"connection '{conn.name}' has an end {_end_name(end)} that cannot be used as '{side}'",
                        end.loc, [(iface.loc, f"{iface.name} is declared here")])]
    out: list[Problem] = []
    cname = conn.connector.name
    direction = "from" if side == "from" else "to"
    if end.instance is not None:
        hardware = end.instance.component.hardware
        if spec.hardware and not hardware:
            out.append(Problem(codes.HARDWARE_MISMATCH,
                               f"connection '{conn.name}' has a type '{cname}' that is intended for connecting "
                               f"{direction} hardware devices, but end {_end_name(end)} refers to a software "
                               "component", end.loc))
        elif not spec.hardware and hardware:
            out.append(Problem(codes.HARDWARE_MISMATCH,
                               f"connection '{conn.name}' has a type '{cname}' that is intended for connecting "
                               f"{direction} software components, but end {_end_name(end)} refers to a "
                               "hardware device", end.loc))
    kind, plural, article = NEEDS[(side, spec.kind)]
    if iface.kind != kind:
        out.append(Problem(codes.END_KIND,
                           f"connection '{conn.name}' has a type '{cname}' that is intended for connecting "
                           f"{direction} {plural}, but end {_end_name(end)} is not {article}", end.loc,
                           [(iface.loc, f"{iface.name} is a {iface.kind.lower()} interface")]))
    return out
