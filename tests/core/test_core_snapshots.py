"""An analysis is a snapshot: the engine never changes the family's object, and a post-check that
raises adds its own internal-error diagnostic beside the analyzer's results instead of replacing them."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from drvls.core import languages
from drvls.core.config import load_settings
from drvls.core.engine import check_source
from drvls.core.languages import Analysis, AnalysisContext, DiskWorkspace, SourceFile

RULES = """# Instructions

- Use type hints everywhere.
- Use type hints everywhere.
"""

RAISING_CHECK = '''
def post_check(source, ctx):
    raise RuntimeError("the check broke")
'''


def analyse(path: Path, text: str) -> Analysis:
    ctx = AnalysisContext(settings=load_settings(path), workspace=DiskWorkspace())
    return check_source(SourceFile(path=path, data=text.encode(), text=text), ctx)


@pytest.fixture
def raising_post_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A real post-check module registered beside the build's own, which raises on every file."""
    (tmp_path / "drvls_raising_check.py").write_text(RAISING_CHECK)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(languages, "POST_CHECK_MODULES", (*languages.POST_CHECK_MODULES, "drvls_raising_check"))
    languages.post_checks.cache_clear()
    yield
    languages.post_checks.cache_clear()
    sys.modules.pop("drvls_raising_check", None)


def test_analysis_is_frozen(tmp_path: Path) -> None:
    analysis = analyse(tmp_path / "CLAUDE.md", RULES)
    with pytest.raises(dataclasses.FrozenInstanceError):
        analysis.diagnostics = []  # type: ignore[misc]


def test_a_raising_post_check_keeps_the_analyzers_results(tmp_path: Path, raising_post_check: None) -> None:
    path = tmp_path / "CLAUDE.md"
    analysis = analyse(path, RULES)
    found = [d.code for d in analysis.diagnostics]
    assert "DL005" in found
    assert [c for c in found if c != "DL005"], "the analyzer's own diagnostics were erased"
    assert analysis.state is not None, "the incremental state was erased"
    assert analysis.symbols.definitions, "the symbol index was erased"
    internal = next(d for d in analysis.diagnostics if d.code == "DL005")
    assert "drvls_raising_check" in internal.message and "the check broke" in internal.message


def test_the_same_text_gives_the_same_result_with_and_without_the_broken_check(
        tmp_path: Path, raising_post_check: None) -> None:
    path = tmp_path / "CLAUDE.md"
    broken = analyse(path, RULES)
    languages.post_checks.cache_clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(languages, "POST_CHECK_MODULES", languages.POST_CHECK_MODULES[:-1])
        clean = analyse(path, RULES)
    languages.post_checks.cache_clear()
    assert [d for d in broken.diagnostics if d.code != "DL005"] == clean.diagnostics


def test_the_engine_returns_a_new_object_not_the_familys(tmp_path: Path) -> None:
    """The engine applies suppressions and sorting to a copy: the family's snapshot stays as it was."""
    from drvls.drv.sources_analyzer import ANALYZER

    path = tmp_path / "CLAUDE.md"
    text = RULES.replace("- Use type hints everywhere.\n",
                         "- Use type hints everywhere.\n<!-- drvls: ignore[RUL001] -->\n", 1)
    source = SourceFile(path=path, data=text.encode(), text=text)
    ctx = AnalysisContext(settings=load_settings(path), workspace=DiskWorkspace())
    captured: list[Analysis] = []
    real = ANALYZER.analyze

    class Recording:
        name, binary = ANALYZER.name, ANALYZER.binary
        handles = ANALYZER.handles

        def analyze(self, source: SourceFile, ctx: AnalysisContext) -> Analysis:
            captured.append(real(source, ctx))
            return captured[-1]

    result = check_source(source, ctx, Recording())
    assert result is not captured[0]
    assert [d.code for d in captured[0].diagnostics] == ["RUL001"], "the family's snapshot was changed"
    assert result.diagnostics == [], "the inline suppression applies to the returned copy"
