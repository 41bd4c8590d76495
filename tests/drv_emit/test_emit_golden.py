"""Golden files per target: `drvls emit` writes exactly these bytes for the project's rule set.

Regenerate after an intended change with `DRVLS_UPDATE_GOLDEN=1 pytest tests/drv_emit`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from drvls.drv.emit.targets import TARGETS
from drvls_process import run_drvls
from emit_helpers import GOLDEN, generated_files


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_emit_matches_golden_files(target: str, source_drv: Path) -> None:
    out = source_drv.parent
    result = run_drvls("emit", str(source_drv), "--to", target, "-o", str(out))
    assert result.returncode == 0, result.stderr
    got = generated_files(out)
    golden = GOLDEN / target
    if os.environ.get("DRVLS_UPDATE_GOLDEN"):
        for rel, data in got.items():
            (golden / rel).parent.mkdir(parents=True, exist_ok=True)
            (golden / rel).write_bytes(data)
    assert got == generated_files(golden)
