"""Loading the CAmkES app to port: parsed, imports followed, resolved and flattened as camkes-tool would."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from drvls.camkes.checks.run import check_program_resolved
from drvls.camkes.flatten import FlatAssembly, flatten
from drvls.camkes.imports import build_program, normal
from drvls.camkes.model import Problem
from drvls.camkes.reader import SourceReader
from drvls.camkes.settings import read_settings
from drvls.core.config import Settings
from drvls.core.diagnostics import Severity
from drvls.core.languages import Workspace


@dataclass(frozen=True)
class LoadedApp:
    path: Path
    flat: FlatAssembly | None  # None: the file has no assembly
    errors: tuple[Problem, ...]


def load_app(path: Path, text: str, settings: Settings, workspace: Workspace) -> LoadedApp:
    camkes = read_settings(settings)
    read = SourceReader(workspace, settings.max_file_size)
    root = normal(path)
    program = build_program(text, root, camkes, read)
    problems, resolved = check_program_resolved(program, camkes.allow_forward_references, True)
    errors = tuple(p for p in problems if p.rule.severity >= Severity.ERROR)
    flat = flatten(resolved.assemblies, resolved.table) if resolved.assemblies else None
    return LoadedApp(root, flat, errors)
