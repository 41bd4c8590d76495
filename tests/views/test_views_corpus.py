"""Every corpus `.system` and every CAmkES app the reference accepts, drawn in every format without error."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile
from drvls.views.build import ViewError, view_of
from drvls.views.render import FORMATS, render
from prerequisites import CORPUS, corpus_path, skip_or_fail
from views_support import view_file

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "camkes"))
from camkes_verdicts import entries, settings_for

MICROKIT = sorted((CORPUS / "microkit").rglob("*.system")) if (CORPUS / "microkit").is_dir() else []
ASSEMBLY = re.compile(r"^\s*assembly\s*\{", re.M)
APPS = [e for e in entries() if e["accepted"] and ASSEMBLY.search(
        (CORPUS / "camkes" / e["path"]).read_text(encoding="utf-8", errors="replace"))]


def all_formats(view: Any) -> None:
    if shutil.which("dot") is None:
        skip_or_fail("Graphviz `dot` is not installed (apt-get install graphviz)")
    for fmt in FORMATS:
        text = render(view, fmt)
        assert text.strip(), fmt
        if fmt in ("json", "jsonld"):
            json.loads(text)


def test_corpus_is_present() -> None:
    corpus_path("microkit")
    corpus_path("camkes")
    assert len(MICROKIT) >= 200 and len(APPS) >= 50


@pytest.mark.slow
@pytest.mark.parametrize("path", MICROKIT, ids=lambda p: str(p.relative_to(CORPUS / "microkit")))
def test_every_microkit_system(path: Path) -> None:
    try:
        view = view_file(path)
    except ViewError as exc:
        assert "cannot be drawn" in str(exc)  # no <system> to draw: said, not crashed
        return
    assert view.domains or not view.links
    all_formats(view)


@pytest.mark.slow
@pytest.mark.parametrize("entry", APPS, ids=lambda e: str(e["path"]))
def test_every_camkes_app(entry: dict[str, Any]) -> None:
    path = CORPUS / "camkes" / entry["path"]
    data = path.read_bytes()
    ctx = AnalysisContext(settings=settings_for(entry), workspace=DiskWorkspace([path.parent]))
    view = view_of(SourceFile(path, data, data.decode("utf-8", "replace")), ctx)
    assert view.domains, "an accepted app has instances"
    all_formats(view)
