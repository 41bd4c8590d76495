"""Formatting every corpus file: idempotent, and the formatted file means the same (same diagnostics).

"The same diagnostics" is the same codes, severities and messages (locations printed inside a
message follow the moved text), each over the same text once white space is set aside.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from prerequisites import corpus_path

REPO = Path(__file__).resolve().parents[2]
for extra in (REPO / "server", REPO / "tests" / "microkit", REPO / "tests" / "camkes"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from drvls.core.config import Settings  # noqa: E402
from drvls.core.diagnostics import Diagnostic  # noqa: E402
from drvls.core.engine import check_source  # noqa: E402
from drvls.core.formatting import Refused, formatter_for  # noqa: E402
from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile  # noqa: E402
from drvls.core.text import LineIndex  # noqa: E402

LOCATION = re.compile(r":\d+:\d+")


def files(family: str, *suffixes: str) -> list[Path]:
    root = corpus_path(family)
    return sorted(p for p in root.rglob("*") if p.suffix in suffixes and p.is_file())


def analyse(path: Path, text: str, settings: Settings) -> list[Diagnostic]:
    source = SourceFile(path=path, data=text.encode("utf-8"), text=text)
    return check_source(source, AnalysisContext(settings=settings, workspace=DiskWorkspace())).diagnostics


def meaning(text: str, diagnostics: list[Diagnostic]) -> Counter[tuple[str, str, str, str]]:
    index = LineIndex(text)
    out: Counter[tuple[str, str, str, str]] = Counter()
    for d in diagnostics:
        start, end = index.byte_offset(d.range.start), index.byte_offset(d.range.end)
        covered = re.sub(r"\s+", "", index.data[start:end].decode("utf-8", "replace"))
        out[(d.code, d.severity.label, LOCATION.sub(":L:C", d.message), covered)] += 1
    return out


def check_file(path: Path, settings: Settings) -> str:
    text = path.read_bytes().decode("utf-8", "replace").lstrip("\ufeff")
    formatter = formatter_for(path)
    assert formatter is not None
    formatted = formatter(text, settings)
    if isinstance(formatted, Refused):
        return "refused"
    assert formatter(formatted, settings) == formatted, f"{path}: formatting twice changes the file"
    before, after = analyse(path, text, settings), analyse(path, formatted, settings)
    assert meaning(formatted, after) == meaning(text, before), path
    return "changed" if formatted != text else "unchanged"


def test_every_system_file_formats_to_the_same_meaning() -> None:
    outcomes = Counter(check_file(p, Settings()) for p in files("microkit", ".system"))
    assert outcomes["changed"] > 50  # the corpus is written in many styles
    assert outcomes["refused"] <= 10  # cpp templates and files that are not XML


@pytest.mark.slow
def test_every_camkes_file_formats_to_the_same_meaning() -> None:
    outcomes = Counter(check_file(p, Settings()) for p in files("camkes", ".camkes", ".idl4"))
    assert outcomes["changed"] > 100
    assert outcomes["refused"] == 0
