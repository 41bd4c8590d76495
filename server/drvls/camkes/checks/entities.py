"""Checks on declarations used by an app (camkes-tool `freeze` of components, procedures, members)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from drvls.camkes import codes
from drvls.camkes import model as m
from drvls.camkes.checks.ckeywords import C_KEYWORDS
from drvls.camkes.model import Problem
from drvls.camkes.resolve import kind_of, where


def check_component(comp: m.Component) -> list[Problem]:
    out: list[Problem] = []
    label = comp.name
    if comp.control and comp.hardware:
        out.append(Problem(codes.ILLEGAL_COMPONENT, f"component {label} is illegally defined as being both a "
                                                    "control component and a hardware device", comp.loc))
    if comp.hardware:
        if comp.of_kind(m.MUTEX):
            out.append(Problem(codes.ILLEGAL_COMPONENT, f"component {label} is illegally defined as a hardware "
                                                        "device that also has mutexes", comp.loc))
        if comp.of_kind(m.SEMAPHORE):
            out.append(Problem(codes.ILLEGAL_COMPONENT, f"component {label} is illegally defined as a hardware "
                                                        "device that also has semaphores", comp.loc))
    out.extend(duplicate_entities([*comp.attributes, *comp.interfaces]))
    out.extend(_attribute_keywords(comp.attributes))
    if comp.composition is not None:
        c = comp.composition
        out.extend(duplicate_entities([*c.instances, *c.groups, *c.connections]))
    return out


def check_procedure(proc: m.Procedure) -> list[Problem]:
    out: list[Problem] = []
    for method in proc.methods:
        if method.name in C_KEYWORDS:
            out.append(Problem(codes.C_KEYWORD, f"method name '{method.name}' clashes with a C keyword",
                               method.loc))
        for param in method.parameters:
            if param.name in C_KEYWORDS:
                out.append(Problem(codes.C_KEYWORD, f"parameter name '{param.name}' clashes with a C keyword",
                                   param.loc))
    out.extend(_attribute_keywords(proc.attributes))
    out.extend(duplicate_entities([*proc.methods, *proc.attributes]))
    return out


def _attribute_keywords(attributes: Iterable[m.Attribute]) -> list[Problem]:
    return [Problem(codes.C_KEYWORD, f"attribute name '{a.name}' clashes with a C keyword", a.loc)
            for a in attributes if a.name in C_KEYWORDS]


def duplicate_entities(members: list[Any]) -> list[Problem]:
    """Members of different kinds with one name (same-kind duplicates are reported by resolution)."""
    out: list[Problem] = []
    seen: dict[str, Any] = {}
    for member in members:
        name = getattr(member, "name", None)
        if not name:
            continue
        first = seen.get(name)
        if first is None:
            seen[name] = member
        elif kind_of(first) != kind_of(member):
            out.append(Problem(codes.DUPLICATE_ENTITY,
                               f"duplicate entity '{name}' defined, collides with {_kind(first)} at "
                               f"{where(first.loc)}", member.loc, [(first.loc, "first definition")]))
    return out


def _kind(obj: Any) -> str:
    if isinstance(obj, m.Interface):
        return obj.kind
    return type(obj).__name__
