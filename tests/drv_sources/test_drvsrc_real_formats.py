"""Real rule files of the newly read formats (tests/drv_sources/real/SOURCES.md): found by a folder
walk, read with the scope their front matter gives, and compiled; nothing is silently skipped."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from drvls.drv.compile import compile_sources, expand_sources
from drvls.drv.model import Activation, Scope
from drvls.drv.reader import read_ruleset
from drvls_process import run_drvls

REAL = Path(__file__).parent / "real"

EXPECTED: dict[str, Scope | None] = {
    "agents": None,
    "claude": Scope("testing", Activation.ALWAYS),  # a `.claude/rules/` file without `paths` loads in every session
    "claude-paths": Scope("python", Activation.FILES, ("**/*.py",)),  # with `paths`: only beside matching files
    "copilot": Scope("typescript", Activation.FILES, ("**/*.ts",)),
    "cline": Scope("cli", Activation.ALWAYS),
    "cursor": Scope("studio-useStaticEffectEvent", Activation.REQUESTED, (),
                    "Guidelines for using the useStaticEffectEvent hook in Studio - a polyfill for React's "
                    "useEffectEvent pattern"),
    "gemini": None,
    "junie": None,
    "kiro": Scope("e2e-testing", Activation.MANUAL),  # `inclusion: manual`: only when named in the chat
    "roo": Scope("rules", Activation.ALWAYS),
    "windsurf": Scope("general", Activation.ALWAYS),
}


def strings(value: Any) -> Iterator[str]:
    """Every string inside a rule set (as `asdict` gives it)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings(item)


@pytest.mark.parametrize("folder", sorted(EXPECTED))
def test_real_file_is_found_read_and_scoped(folder: str, tmp_path: Path) -> None:
    root = REAL / folder
    found = expand_sources([root])
    assert len(found) == 1, found
    out = tmp_path / "rules.drv"
    loaded = compile_sources([root], out, cwd=root)
    assert not loaded.has_errors, loaded.problems
    ruleset = read_ruleset(out)
    assert ruleset.rules
    assert {rule.scope for rule in ruleset.rules} == {EXPECTED[folder]}
    text = found[0].read_text(encoding="utf-8")
    carried = "\n".join(strings(asdict(ruleset)))
    # every line of the body (front matter aside) is kept somewhere in the rules
    body = text.split("---\n", 2)[-1] if text.startswith("---\n") else text
    for line in body.splitlines():
        stripped = line.strip().lstrip("-*0123456789. ").strip()
        if stripped and not stripped.startswith("#"):
            assert stripped[:20] in carried, line


def test_check_on_the_folder_covers_every_real_file() -> None:
    """`drvls check` no longer skips AGENTS.md, `.mdc` and the other rule folders."""
    result = run_drvls("check", str(REAL))
    assert f"{len(EXPECTED)} files checked" in result.stdout + result.stderr, result.stdout + result.stderr


@pytest.mark.parametrize("folder", sorted(EXPECTED))
def test_real_rules_round_trip_through_every_lossless_target(folder: str, tmp_path: Path) -> None:
    root = REAL / folder
    drv = tmp_path / "rules.drv"
    assert not compile_sources([root], drv, cwd=root).has_errors
    for target in ("cursor", "copilot", "windsurf", "kiro"):
        out = tmp_path / target
        result = run_drvls("emit", str(drv), "--to", target, "-o", str(out))
        assert result.returncode == 0, result.stderr
        back = tmp_path / f"{target}.drv"
        assert not compile_sources([out], back).has_errors
        assert back.read_bytes() == drv.read_bytes(), target
