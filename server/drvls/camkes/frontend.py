"""One file from text to model: preprocess (or not), tokenize, parse; cached per text and settings."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from drvls.camkes import codes
from drvls.camkes import model as m
from drvls.camkes.lexer import Locator, tokenize
from drvls.camkes.lower import parse_raw
from drvls.camkes.parser import Problem, parse_tokens
from drvls.camkes.preprocess import (
    ColumnMapper,
    CppMissing,
    Preprocessed,
    ReadText,
    effective_flags,
    needs_cpp,
    preprocess,
    raw,
    stamp,
)
from drvls.camkes.settings import CamkesSettings
from drvls.core.diagnostics import Position, Range


@dataclass
class FrontResult:
    parsed: m.ParsedFile
    problems: list[Problem] = field(default_factory=list)
    used_cpp: bool = False
    cpp_missing: bool = False
    stamps: tuple[tuple[Path, int, int], ...] = ()


_CACHE: dict[tuple[object, ...], FrontResult] = {}
_CACHE_LIMIT = 4096


def load(text: str, path: Path | None, settings: CamkesSettings, read: ReadText) -> FrontResult:
    """The parsed model of one file with its own problems (syntax, lifting, cpp); never raises."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    # Import paths never matter here, and cpp flags only for files cpp can change.
    cpp_key = (settings.cpp, effective_flags(text, settings)) if needs_cpp(text, settings) else None
    key = (path, digest, cpp_key)
    hit = _CACHE.get(key)
    if hit is not None and all(stamp(p) == (t, n) for p, t, n in hit.stamps):
        return hit
    result = _load(text, path, settings, read)
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[key] = result
    return result


def _load(text: str, path: Path | None, settings: CamkesSettings, read: ReadText) -> FrontResult:
    cpp_missing = False
    try:
        pre = preprocess(text, path, settings)
    except CppMissing:
        lowered = parse_raw(text, path)
        if lowered is not None:  # the raw tree: macro lines stay nodes of their own
            parsed, problems = lowered
            return FrontResult(parsed, problems, False, True)
        pre = raw(text, path)
        cpp_missing = True
    if pre.error is not None:
        err = pre.error
        loc = m.Loc(err.path, Range(Position(err.line, err.column), Position(err.line, err.column)))
        return FrontResult(m.ParsedFile(path, [], set(pre.included)),
                           [Problem(codes.CPP_FAILED, err.message, loc)], True, False)
    tokens, lex_errors = tokenize(pre.text, locator(pre, text, path, read), eager=pre.used_cpp)
    parsed, problems = parse_tokens(tokens, path)
    parsed.included = set(pre.included)
    problems = [Problem(codes.SYNTAX, e.message, e.loc) for e in lex_errors] + problems
    return FrontResult(parsed, problems, pre.used_cpp, cpp_missing, pre.stamps)


def locator(pre: Preprocessed, text: str, path: Path | None, read: ReadText) -> Locator:
    """Maps output (line, column, token) to the source file and range the token was written at."""
    if not pre.used_cpp:
        def identity(line: int, column: int, token: str) -> m.Loc:
            end = Position(line, column + len(token))
            return m.Loc(path, Range(Position(line, column), end))
        return identity
    mapper = ColumnMapper(text, path, read)
    origins = pre.origins

    def mapped(line: int, column: int, token: str) -> m.Loc:
        if line >= len(origins):
            source, src_line = (origins[-1] if origins else (path, 0))
        else:
            source, src_line = origins[line]
        start, end = mapper.locate(source, src_line, token)
        return m.Loc(source, Range(Position(src_line, start), Position(src_line, end)))
    return mapped
