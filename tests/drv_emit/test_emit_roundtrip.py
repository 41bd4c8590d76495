"""emit → compile gives back the `.drv`: byte for byte for targets that carry scoping, and the rule
set minus the rules the emit report says a target drops for the others."""

from __future__ import annotations

from pathlib import Path

import pytest
from drvls.drv.compile import compile_sources
from drvls.drv.emit.plan import Source, plan_emit
from drvls.drv.emit.targets import TARGETS
from drvls.drv.encoder import encode
from drvls.drv.model import RuleSet
from drvls_process import run_drvls
from emit_helpers import emit

LOSSLESS = {"cursor", "copilot", "windsurf", "kiro"}


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_round_trip_per_target(target: str, source_drv: Path, source_ruleset: RuleSet, tmp_path: Path) -> None:
    out = tmp_path / "emitted"
    emit(source_drv, target, out)
    back = tmp_path / "back.drv"
    loaded = compile_sources([out], back)
    assert not loaded.has_errors, loaded.problems
    dropped = {index for index, _rule in plan_emit(source_ruleset, Source("x", "0"), [target]).dropped[target]}
    if target in LOSSLESS:
        assert not dropped
        assert back.read_bytes() == source_drv.read_bytes()
    else:
        kept = [rule for i, rule in enumerate(source_ruleset.rules) if i not in dropped]
        assert dropped, "this target cannot scope, so the project's scoped rules are dropped"
        assert back.read_bytes() == encode(RuleSet(rules=kept, sources=source_ruleset.sources))


def test_round_trip_all_targets_in_one_folder(source_drv: Path, tmp_path: Path) -> None:
    """Every target's files together: each source is taken once, and they agree."""
    out = tmp_path / "emitted"
    emit(source_drv, ",".join(TARGETS), out)
    back = tmp_path / "back.drv"
    result = run_drvls("compile", str(out), "-o", str(back))
    assert result.returncode == 0, result.stderr
    assert back.read_bytes() == source_drv.read_bytes()


def test_generated_files_of_two_source_versions_disagree(source_drv: Path, tmp_path: Path) -> None:
    """Cursor files emitted, then the source recompiled and only AGENTS.md emitted again."""
    out = tmp_path / "emitted"
    emit(source_drv, "cursor", out)
    changed = tmp_path / "CLAUDE.md"
    changed.write_text("- One more rule\n", encoding="utf-8")
    assert not compile_sources([changed], source_drv, cwd=tmp_path).has_errors
    emit(source_drv, "agents", out)
    result = run_drvls("compile", str(out), "-o", str(tmp_path / "back.drv"))
    assert result.returncode == 1
    assert "RUL015" in result.stderr and not (tmp_path / "back.drv").exists()
