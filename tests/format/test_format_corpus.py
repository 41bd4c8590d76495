"""Formatting every corpus file: idempotent, and the formatted file means the same.

"The same" is checked three ways, each with the original's positions carried through the
formatting edits (`core/format_edits.OffsetMap`), so nothing is compared "up to white space":
- diagnostics: the same codes, severities and messages, at the mapped ranges, exactly;
- symbols: the same definitions and references (keys, names, kinds), at the mapped ranges;
- the typed model: the same values once offsets are set aside (a value holding source text over
  several lines, like a CAmkES setting's expression, is compared with each line's indent set aside).
Comments and preprocessor lines are kept, and no blank line is invented.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import sys
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from prerequisites import corpus_path

REPO = Path(__file__).resolve().parents[2]
if str(REPO / "server") not in sys.path:
    sys.path.insert(0, str(REPO / "server"))

from drvls.core.config import Settings  # noqa: E402
from drvls.core.diagnostics import Range  # noqa: E402
from drvls.core.engine import check_source  # noqa: E402
from drvls.core.format_edits import Lines, OffsetMap, edits_between  # noqa: E402
from drvls.core.formatting import Refused, formatter_for  # noqa: E402
from drvls.core.languages import Analysis, AnalysisContext, DiskWorkspace, SourceFile  # noqa: E402

# Fields that say where, not what: offsets, ranges, anchors, source text, caches.
WHERE = {"start", "end", "tag_end", "anchor", "tag_src", "range", "full_range", "loc", "index", "base_of",
         "text", "data", "source", "tree"}
LINE_BREAK_AND_INDENT = re.compile(r"[ \t]*(?:\r\n|\r|\n)\s*")
SYSTEM_COMMENT = re.compile(r"<!--.*?-->", re.S)
CAMKES_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


def files(family: str, *suffixes: str) -> list[Path]:
    root = corpus_path(family)
    return sorted(p for p in root.rglob("*") if p.suffix in suffixes and p.is_file())


class Buffer(DiskWorkspace):
    """The disk, with one file's text as an editor holds it: a CAmkES file reached again through
    its imports (a builtin file imported by its neighbours) is read from the workspace, which must
    give the text being analysed, not the file on disk."""

    def __init__(self, path: Path, data: bytes) -> None:
        super().__init__()
        self._path, self._data = path, data

    def read(self, path: Path) -> bytes | None:
        return self._data if path == self._path else super().read(path)


def analyse(path: Path, text: str) -> Analysis:
    data = text.encode("utf-8")
    source = SourceFile(path=path, data=data, text=text)
    return check_source(source, AnalysisContext(settings=Settings(), workspace=Buffer(path, data)))


def shape(value: Any, depth: int = 0) -> Any:
    """A model value with every position set aside, comparable with `==`."""
    if isinstance(value, str):
        return LINE_BREAK_AND_INDENT.sub("\n", value)
    if value is None or isinstance(value, (int, float, bytes, Path, enum.Enum)) or depth > 80:
        return value
    if isinstance(value, (list, tuple)):
        return tuple(shape(item, depth + 1) for item in value)
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(map(repr, value)))
    if isinstance(value, dict):  # keys that are object ids say nothing: keep only their type
        return tuple((shape(k) if isinstance(k, (str, Path, tuple)) else type(k).__name__, shape(v, depth + 1))
                     for k, v in value.items())
    if dataclasses.is_dataclass(value):
        return (type(value).__name__, *((f.name, shape(getattr(value, f.name), depth + 1))
                                        for f in dataclasses.fields(value)
                                        if f.compare and f.name not in WHERE and not f.name.startswith("_")))
    slots = [s for cls in type(value).__mro__ for s in getattr(cls, "__slots__", ())]
    if slots and type(value).__module__.startswith("drvls"):
        return (type(value).__name__, *((s, shape(getattr(value, s, None), depth + 1))
                                        for s in slots if s not in WHERE and not s.startswith("_")))
    return f"<{type(value).__name__}>"  # parser trees and the like: their content is in the model


class Mapped:
    """The original's positions, as positions of the formatted text."""

    def __init__(self, text: str, formatted: str) -> None:
        self.offsets = OffsetMap(edits_between(text, formatted))
        self.old, self.new = Lines(text), Lines(formatted)

    def __call__(self, rng: Range) -> Range:
        return self.offsets.range(rng, self.old, self.new)


def diagnostics(analysis: Analysis, where: Any) -> Counter[tuple[Any, ...]]:
    return Counter((d.code, d.severity, d.message, where(d.range)) for d in analysis.diagnostics)


def symbols(analysis: Analysis, where: Any) -> Counter[tuple[Any, ...]]:
    index = analysis.symbols
    found: Counter[tuple[Any, ...]] = Counter(
        ("def", s.key, s.name, s.kind, s.detail, s.container, where(s.range), where(s.full_range))
        for s in index.definitions if s.path == index.path)
    found.update(("ref", r.key, r.name, r.kind, r.resolved, where(r.range))
                 for r in index.references if r.path == index.path)
    return found


def kept_lines(text: str, suffix: str) -> list[str]:
    """Comments and preprocessor lines, each line without its indent and trailing white space."""
    pattern = SYSTEM_COMMENT if suffix == ".system" else CAMKES_COMMENT
    found = [m.group(0) for m in pattern.finditer(text)]
    found += [line for line in text.splitlines() if line.lstrip().startswith("#") and suffix != ".system"]
    return ["\n".join(line.strip() for line in item.splitlines()) for item in found]


def blank_groups(text: str) -> int:
    return len(re.findall(r"\S[ \t]*(?:\r\n|\r|\n)(?:[ \t]*(?:\r\n|\r|\n))+[ \t]*(?=\S)", text))


@cache
def outcome(path: Path) -> tuple[str, int]:
    """Format one corpus file and check everything the module's docstring promises."""
    text = path.read_bytes().decode("utf-8", "replace").lstrip("\ufeff")
    formatter = formatter_for(path)
    assert formatter is not None
    formatted = formatter(text, Settings())
    if isinstance(formatted, Refused):
        return "refused", 0
    assert formatter(formatted, Settings()) == formatted, f"{path}: formatting twice changes the file"
    before, after = analyse(path, text), analyse(path, formatted)
    mapped = Mapped(text, formatted)
    assert diagnostics(after, lambda r: r) == diagnostics(before, mapped), path
    assert symbols(after, lambda r: r) == symbols(before, mapped), path
    assert shape(after.model) == shape(before.model), path
    assert kept_lines(formatted, path.suffix) == kept_lines(text, path.suffix), path
    assert blank_groups(formatted) <= blank_groups(text), path
    return ("changed" if formatted != text else "unchanged"), len(before.diagnostics)


def test_every_system_file_formats_to_the_same_meaning() -> None:
    results = [outcome(p) for p in files("microkit", ".system")]
    outcomes = Counter(kind for kind, _ in results)
    assert outcomes["changed"] > 50  # the corpus is written in many styles
    assert outcomes["refused"] <= 10  # cpp templates and files that are not XML
    assert sum(count for _, count in results) > 100  # the diagnostics compared are not all none


@pytest.mark.slow
def test_every_camkes_file_formats_to_the_same_meaning() -> None:
    paths = files("camkes", ".camkes", ".idl4")
    results = [outcome(p) for p in paths]
    outcomes = Counter(kind for kind, _ in results)
    assert outcomes["changed"] > 100
    refused = sorted(str(p.relative_to(corpus_path("camkes"))) for p, (kind, _) in zip(paths, results, strict=True)
                     if kind == "refused")
    # Only files with syntax errors: camkes-tool's own parser tests of bad input, and two
    # components that use a macro the grammar cannot read without the preprocessor.
    assert len(refused) <= 6 and all("bad-" in p or "TimeServer" in p for p in refused), refused
    assert sum(count for _, count in results) > 100


def test_a_diagnostic_range_maps_onto_the_same_text() -> None:
    """The range-mapping helper itself, on a hand-made case: a diagnostic over a region name in a
    re-indented, re-laid-out file covers the same name afterwards."""
    text = ('<?xml version="1.0" encoding="UTF-8"?>\n<system>\n  <memory_region name="uart"  size="0x1000"/>\n'
            "\n\n\n  <protection_domain name='a'><map mr=\"uart\" vaddr=\"0x1000\" perms='rw'/></protection_domain>\n"
            "</system>\n")
    formatter = formatter_for(Path("a.system"))
    assert formatter is not None
    formatted = formatter(text, Settings())
    assert isinstance(formatted, str) and formatted != text
    mapped = Mapped(text, formatted)
    old = Lines(text)
    for needle in ('"uart"', "<map", "perms='rw'", "</protection_domain>", 'size="0x1000"'):
        start = text.index(needle)
        rng = mapped(old.range(start, start + len(needle)))
        new_start, new_end = mapped.new.offset(rng.start), mapped.new.offset(rng.end)
        expected = needle.replace("'", '"')
        assert formatted[new_start:new_end] == expected, needle
