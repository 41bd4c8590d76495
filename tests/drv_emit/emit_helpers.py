"""Paths and helpers shared by the emit tests."""

from __future__ import annotations

from pathlib import Path

from drvls.drv.compile import compile_sources
from drvls_process import run_drvls

PROJECT = Path(__file__).parent / "project"
GOLDEN = Path(__file__).parent / "golden"


def compile_project(out: Path) -> Path:
    """`rules.drv` compiled from the project (sources named relative to it) into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    drv = out / "rules.drv"
    loaded = compile_sources([PROJECT], drv, cwd=PROJECT)
    assert not loaded.has_errors, loaded.problems
    return drv


def emit(source_drv: Path, targets: str, out: Path, *extra: str) -> None:
    result = run_drvls("emit", str(source_drv), "--to", targets, "-o", str(out), *extra)
    assert result.returncode == 0, result.stderr


def generated_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and p.suffix != ".drv"}
