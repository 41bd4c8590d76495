"""One file from text to model: preprocess (or not), parse with tree-sitter, lower; cached per text and settings.

There is one parser, the tree-sitter grammar. With cpp, the preprocessed text (line markers
included: the grammar keeps them as preprocessor nodes) is parsed and positions are mapped
back through the markers. A file cpp would leave unchanged is parsed as written, and so is
every file when no preprocessor exists (then leniently: macro lines stay nodes of their own).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drvls.camkes import codes, grammar
from drvls.camkes import model as m
from drvls.camkes.cache import CACHE, Bounded, digest
from drvls.camkes.lower import lower, lower_text
from drvls.camkes.model import Problem
from drvls.camkes.positions import CppPositions
from drvls.camkes.preprocess import (
    ColumnMapper,
    CppMissing,
    Preprocessed,
    ReadText,
    effective_flags,
    needs_cpp,
    preprocess,
    stamp,
)
from drvls.camkes.settings import CamkesSettings
from drvls.core.diagnostics import Position, Range

NO_GRAMMAR = ("the CAmkES grammar (module tree_sitter_camkes) is not installed, so CAmkES files cannot be "
              "checked: reinstall drvls with its compiled extensions")


@dataclass(frozen=True)
class FrontResult:
    parsed: m.ParsedFile
    problems: list[Problem] = field(default_factory=list)
    used_cpp: bool = False
    cpp_missing: bool = False
    stamps: tuple[tuple[Path, int, int], ...] = ()
    # The tree of the text as written, when it was parsed without cpp (reusable after an edit).
    tree: Any = None
    size: int = 0  # characters of text this result was made from (the cache's measure)


@dataclass(frozen=True)
class Reuse:
    """A previous tree of this file and the edits made since, for an incremental re-parse."""

    tree: Any
    edits: tuple[Any, ...]


# Parsed files, by path, text and the cpp settings that can change it; bounded by the text they hold.
# A model and its tree take about 40 bytes per character of text, so 1.5 M characters is about 60 MB.
PARSED_BUDGET = 1_500_000
_CACHE: Bounded[tuple[object, ...], FrontResult] = CACHE.table(4096, PARSED_BUDGET, lambda r: r.size)
# The model last lowered from each file's preprocessed text (the same object when cpp's result is re-used).
_BY_OUTPUT: Bounded[tuple[Path | None, int], tuple[Preprocessed, FrontResult]] = CACHE.table(
    1024, PARSED_BUDGET, lambda pair: pair[1].size)


def load(text: str, path: Path | None, settings: CamkesSettings, read: ReadText,
         reuse: Reuse | None = None) -> FrontResult:
    """The parsed model of one file with its own problems (syntax, lifting, cpp); never raises."""
    # Import paths never matter here, and cpp flags only for files cpp can change.
    cpp_key = (settings.cpp, effective_flags(text, settings)) if needs_cpp(text, settings) else None
    key = (path, digest(text), cpp_key)
    hit = _CACHE.get(key)
    if hit is not None and all(stamp(p) == (t, n) for p, t, n in hit.stamps):
        return hit
    return _CACHE.put(key, _load(text, path, settings, read, reuse))


def load_uncached(text: str, path: Path | None, settings: CamkesSettings, read: ReadText,
                  shortcut: bool = True) -> FrontResult:
    """`load` without the cache; `shortcut=False` runs cpp even on text it would leave unchanged."""
    return _load(text, path, settings, read, None, shortcut)


def _parse(text: str, reuse: Reuse | None) -> Any:
    """The tree of `text`, re-using the previous tree of the same buffer when there is one."""
    data = text.encode("utf-8", "surrogatepass")
    if reuse is not None and reuse.edits:
        old = reuse.tree.copy()
        for edit in reuse.edits:
            old.edit(start_byte=edit.start_byte, old_end_byte=edit.old_end_byte, new_end_byte=edit.new_end_byte,
                     start_point=edit.start_point, old_end_point=edit.old_end_point,
                     new_end_point=edit.new_end_point)
        return grammar.parse(data, old)
    return grammar.parse(data)


def _load(text: str, path: Path | None, settings: CamkesSettings, read: ReadText,
          reuse: Reuse | None, shortcut: bool = True) -> FrontResult:
    size = len(text)
    if not grammar.available():
        return FrontResult(m.ParsedFile(path, []), [Problem(codes.NO_GRAMMAR, NO_GRAMMAR, m.Loc(path))])
    try:
        pre = preprocess(text, path, settings, shortcut)
    except CppMissing:
        tree = _parse(text, reuse)
        parsed, problems = lower_text(tree.root_node, text, path, strict=False)
        return FrontResult(parsed, problems, False, True, tree=tree, size=size)
    if pre.error is not None:
        err = pre.error
        loc = m.Loc(err.path, Range(Position(err.line, err.column), Position(err.line, err.column)))
        return FrontResult(m.ParsedFile(path, [], set(pre.included)),
                           [Problem(codes.CPP_FAILED, err.message, loc)], True, False, size=size)
    if not pre.used_cpp:  # cpp would change nothing the grammar does not already skip
        tree = _parse(text, reuse)
        parsed, problems = lower_text(tree.root_node, text, path, strict=True)
        return FrontResult(parsed, problems, False, False, tree=tree, size=size)
    same = _BY_OUTPUT.get((path, id(pre)))
    if same is not None and same[0] is pre:  # cpp's result re-used under other flags: so is the model
        return same[1]
    tree = grammar.parse(pre.text.encode("utf-8", "surrogatepass"))
    positions = CppPositions(tree.root_node, pre.text, pre, ColumnMapper(text, path, read), path)
    parsed, problems = lower(tree.root_node, positions, path, strict=True, included=frozenset(pre.included))
    result = FrontResult(parsed, problems, True, False, pre.stamps, size=size + len(pre.text))
    _BY_OUTPUT.put((path, id(pre)), (pre, result))
    return result
