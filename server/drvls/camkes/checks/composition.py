"""Top-level composition checks (camkes-tool `Composition.freeze`, stage 10 empty assembly)."""

from __future__ import annotations

from drvls.camkes import codes
from drvls.camkes import model as m
from drvls.camkes.flatten import FlatAssembly
from drvls.camkes.model import Problem


def check_composition(flat: FlatAssembly) -> list[Problem]:
    if not flat.declared:
        return [Problem(codes.EMPTY_ASSEMBLY, "no instances declared in assembly", flat.loc)]
    out: list[Problem] = []
    connected: dict[tuple[int, int], m.Loc] = {}
    for conn in flat.connections:
        for end in conn.ends:
            if end.instance is None:
                continue
            key = (id(end.instance), id(end.interface))
            if key in connected:
                out.append(Problem(codes.DUPLICATE_USE,
                                   f"duplicate use of interface {end.instance.name}.{end.interface.name} "
                                   "(deprecated form of N-way connections?)", end.loc,
                                   [(connected[key], "first use")]))
            else:
                connected[key] = end.loc
    if not flat.complete:
        return out  # unresolved names already reported; "unconnected" would only echo them
    for inst in flat.instances:
        exported = {e.destination[-1] for e in inst.component.composition.exports} \
            if inst.component.composition is not None else set()
        for iface in inst.component.interfaces:
            if iface.kind not in (m.CONSUMES, m.DATAPORT, m.USES) or iface.optional:
                continue
            if (id(inst), id(iface)) in connected or iface.name in exported:
                continue
            out.append(Problem(codes.UNCONNECTED,
                               f"non-optional interface {inst.name}.{iface.name} is not connected", inst.loc,
                               [(iface.loc, f"{iface.name} is declared here")]))
    return out
