"""Each rule is one unit: `drvls rules CODE` explains it from where it is emitted, with its module."""

from __future__ import annotations

import importlib

import pytest
from drvls.core.rules import all_rules
from drvls_process import run_drvls


@pytest.mark.parametrize("code", [r.code for r in all_rules()])
def test_every_rule_names_the_functions_that_emit_it(code: str) -> None:
    info = next(r for r in all_rules() if r.code == code)
    assert info.emitted_by, f"{code} is registered but nothing in the package emits it"
    for where in info.emitted_by:
        module, _, function = where.partition(":")
        target: object = importlib.import_module(module)
        for part in function.split(".") if function else ():
            target = getattr(target, part)  # the named function exists (nested ones through their parent)
            if not callable(target):
                break


def test_rules_code_prints_the_explanation_an_example_and_the_module() -> None:
    result = run_drvls("rules", "mk033")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("MK033 map-unknown-mr (Microkit, default severity error)")
    assert "Reported by `drvls.microkit.cross:check_maps` when `mr is None`" in result.stdout
    assert "Example message:" in result.stdout and "invalid memory region name" in result.stdout
    assert "drvls.microkit.cross:check_maps" in result.stdout


@pytest.mark.parametrize("code", ["DL005", "RUL001", "SIG001", "DRV001", "CK010"])
def test_the_explanation_goes_beyond_the_summary(code: str) -> None:
    info = next(r for r in all_rules() if r.code == code)
    result = run_drvls("rules", code)
    assert result.returncode == 0
    assert info.summary in result.stdout
    assert len(result.stdout.split("\n\n")[1]) > len(info.summary) + 20


def test_an_unknown_code_names_the_closest_one() -> None:
    result = run_drvls("rules", "MK0333")
    assert result.returncode == 2
    assert "unknown rule code 'MK0333'; did you mean MK033?" in result.stderr
