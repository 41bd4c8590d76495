"""Shared test code for the Microkit tests: check a system written to a real file, find ranges in it."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prerequisites import corpus_path

REPO = Path(__file__).resolve().parents[2]
SERVER_DIR = REPO / "server"
if str(SERVER_DIR) not in sys.path:
    sys.path.insert(0, str(SERVER_DIR))

from drvls.core.config import load_settings  # noqa: E402
from drvls.core.diagnostics import Diagnostic, Range  # noqa: E402
from drvls.core.engine import check_path  # noqa: E402
from drvls.core.languages import AnalysisContext, DiskWorkspace  # noqa: E402

Check = Callable[..., list[Diagnostic]]


def system(body: str) -> str:
    """A file with `body` inside `<system>`, indented as written."""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<system>\n{body.strip(chr(10))}\n</system>\n'


UNBUILT_IMAGE = "MK201"  # a program image not found next to the system file


def run_check(path: Path, cli: dict[str, Any] | None = None, editor: dict[str, Any] | None = None,
              unbuilt: bool = False) -> list[Diagnostic]:
    """The file's diagnostics; `MK201` (its program images are not built) only with `unbuilt`, as the
    images these tests' systems name never exist (test_microkit_images.py covers that warning)."""
    settings = load_settings(path, cli=cli, editor=editor)
    found = check_path(path, AnalysisContext(settings=settings, workspace=DiskWorkspace())).diagnostics
    return found if unbuilt else [d for d in found if d.code != UNBUILT_IMAGE]


def find(text: str, needle: str, occurrence: int = 0) -> Range:
    """The code-point range of the `occurrence`-th `needle` in `text`."""
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    return span(text, index, index + len(needle))


def value(text: str, attr_and_value: str, occurrence: int = 0) -> Range:
    """The range of the value inside the quotes of `name="value"` (the `occurrence`-th one)."""
    rng = find(text, attr_and_value, occurrence)
    start = attr_and_value.index('"') + 1
    return Range.at(rng.start.line, rng.start.character + start, rng.end.line, rng.end.character - 1)


def span(text: str, start: int, end: int) -> Range:
    def pos(offset: int) -> tuple[int, int]:
        line = text.count("\n", 0, offset)
        return line, offset - (text.rfind("\n", 0, offset) + 1)

    (sl, sc), (el, ec) = pos(start), pos(end)
    return Range.at(sl, sc, el, ec)


def tag(text: str, start_marker: str, occurrence: int = 0) -> Range:
    """The range of a start tag, from `<` to `>`, found by its opening text."""
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(start_marker, index + 1)
    return span(text, index, text.index(">", index) + 1)


def only(diagnostics: list[Diagnostic], code: str) -> Diagnostic:
    found = [d for d in diagnostics if d.code == code]
    assert len(found) == 1, f"expected one {code}, got {[(d.code, d.message) for d in diagnostics]}"
    return found[0]


def corpus_dir() -> Path:
    return corpus_path("microkit", required_file="verdicts.json")
