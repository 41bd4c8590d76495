"""Running every check over a program: resolution, then (for an app) the flattened assembly."""

from __future__ import annotations

from drvls.camkes.checks.codegen import check_address_spaces, check_hardware_settings
from drvls.camkes.checks.composition import check_composition
from drvls.camkes.checks.configuration import check_configuration
from drvls.camkes.checks.connections import check_connection
from drvls.camkes.checks.entities import check_component, check_procedure
from drvls.camkes.flatten import flatten
from drvls.camkes.imports import Program
from drvls.camkes.model import Problem
from drvls.camkes.resolve import Resolved, resolve


def check_program(program: Program, allow_forward: bool, full: bool) -> list[Problem]:
    """All problems of the program; `full` adds camkes-tool's stage 5–10 checks of the assembly."""
    return check_program_resolved(program, allow_forward, full)[0]


def check_program_resolved(program: Program, allow_forward: bool, full: bool) -> tuple[list[Problem], Resolved]:
    """`check_program`, with the resolution it made (the app's side table of names)."""
    problems = list(program.problems)
    resolved = resolve(program.items, allow_forward)
    problems.extend(resolved.problems)
    if not full or not resolved.assemblies:
        return problems, resolved
    flat = flatten(resolved.assemblies, resolved.table)
    problems.extend(flat.problems)
    problems.extend(check_composition(flat))
    for conn in flat.connections:
        if not conn.connector.complete:
            continue  # its declaration has a syntax error, reported there; its ends are unknown
        problems.extend(check_connection(conn))
        problems.extend(check_address_spaces(conn))
    problems.extend(check_configuration(flat))
    problems.extend(check_hardware_settings(flat))
    # camkes-tool freezes every declaration of a full app, used or not.
    for comp in resolved.components:
        problems.extend(check_component(comp))
    for proc in resolved.procedures:
        problems.extend(check_procedure(proc))
    return problems, resolved
