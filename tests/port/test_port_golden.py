"""drvls port on the apps in tests/port/apps against golden files, and the command's refusals.

Regenerate after an intended change with `DRVLS_UPDATE_GOLDEN=1 pytest tests/port`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from drvls_process import run_drvls

APPS = Path(__file__).parent / "apps"
GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("name", ["pipeline", "uart_port"])
def test_port_matches_golden_files(name: str, tmp_path: Path) -> None:
    system, report = tmp_path / f"{name}.system", tmp_path / f"{name}.md"
    done = run_drvls("port", str(APPS / f"{name}.camkes"), "-o", str(system), "--report", str(report))
    assert done.returncode == 0, done.stderr
    for made in (system, report):
        golden = GOLDEN / made.name
        if os.environ.get("DRVLS_UPDATE_GOLDEN"):
            golden.write_text(made.read_text(encoding="utf-8"), encoding="utf-8")
        assert made.read_text(encoding="utf-8") == golden.read_text(encoding="utf-8")


def test_port_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    app = tmp_path / "a.camkes"
    app.write_text((APPS / "pipeline.camkes").read_text(encoding="utf-8"), encoding="utf-8")
    done = run_drvls("port", str(app), "-o", str(app))
    assert done.returncode == 2 and "is the app being ported" in done.stderr
    assert app.read_text(encoding="utf-8") == (APPS / "pipeline.camkes").read_text(encoding="utf-8")
