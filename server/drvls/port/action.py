"""The editor's "Port this assembly to Microkit": the port of an app as two new files beside it.

The system goes to `APP.system` and the report of what is left to `APP.port.md`, or, when either
name is taken, to the first free `APP-N.*` pair: an existing file is never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from drvls.core.config import Settings
from drvls.core.languages import Workspace
from drvls.port.run import port_app

MAX_NAMES = 100


@dataclass(frozen=True)
class NewFiles:
    """What the action creates: the system and its report, with a title saying what is left."""

    title: str
    system_path: Path
    system: str
    report_path: Path
    report: str


def free_names(app: Path, exists: Callable[[Path], bool]) -> tuple[Path, Path] | None:
    """`APP.system` + `APP.port.md`, else `APP-2.…`, …: the first pair of which neither file exists."""
    for n in range(1, MAX_NAMES + 1):
        stem = app.stem if n == 1 else f"{app.stem}-{n}"
        pair = (app.with_name(f"{stem}.system"), app.with_name(f"{stem}.port.md"))
        if not any(exists(p) for p in pair):
            return pair
    return None


def port_files(app: Path, text: str, settings: Settings, workspace: Workspace,
               exists: Callable[[Path], bool] = Path.exists) -> NewFiles | None:
    """The new files of the port of the assembly in `app`; None when the app cannot be ported
    (no assembly, errors camkes-tool would reject: its diagnostics say why) or no name is free."""
    result = port_app(app, text, settings, workspace)
    names = free_names(app, exists) if result.ported is not None else None
    if result.ported is None or names is None:
        return None
    left = len(result.ported.notes())
    title = (f"Port this assembly to Microkit ({names[0].name}; {left} item{'' if left == 1 else 's'} "
             "to write by hand)")
    return NewFiles(title, names[0], result.system, names[1], result.report)
