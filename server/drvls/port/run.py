"""One call from a CAmkES app on disk to the text of its Microkit system and of its report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from drvls.camkes.model import Problem
from drvls.core.config import Settings
from drvls.core.languages import Workspace
from drvls.port.load import load_app
from drvls.port.mapping import port
from drvls.port.report import write_report
from drvls.port.system import Ported
from drvls.port.writer import write_system


@dataclass(frozen=True)
class PortResult:
    ported: Ported | None  # None: the file has no assembly, or the app has errors
    system: str = ""
    report: str = ""
    errors: tuple[Problem, ...] = ()


def port_app(path: Path, text: str, settings: Settings, workspace: Workspace) -> PortResult:
    """The port of the app in `path`; an app camkes-tool would reject is not ported (its errors say why)."""
    app = load_app(path, text, settings, workspace)
    if app.errors or app.flat is None:
        return PortResult(None, errors=app.errors)
    ported = port(app.flat, path.name)
    return PortResult(ported, write_system(ported), write_report(ported))
