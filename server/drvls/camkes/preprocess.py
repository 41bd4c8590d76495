"""Running the C preprocessor per file, as camkes-tool does, and mapping its output back.

camkes-tool runs `cpp` on every file on its own (macros never cross `import`), with
`-DCAMKES_TOOL_PROCESSING` and the build's `-I` directories. We do the same, feeding the
buffer on stdin (so unsaved edits count) from the file's folder (so `#include "x.h"` finds
its neighbours). Line markers (`# N "file"`) say which source line each output line came
from; columns are recovered by finding each token again in that source line (cpp squeezes
blanks and drops comments), and tokens that came out of a macro land on the macro's name.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from drvls.camkes.settings import CamkesSettings

MARKER = re.compile(r'#\s*(\d+)\s+"((?:[^"\\]|\\.)*)"((?:\s+\d)*)\s*$')
CPP_ERROR = re.compile(r"^(.*?):(\d+):(?:(\d+):)?\s*(?:fatal )?error:\s*(.*)$")
# Words cpp rewrites even without a `#` line in the file (GNU C predefined macros).
PREDEFINED = frozenset({"linux", "unix", "i386"})
PSEUDO_FILES = ("<built-in>", "<command-line>")
CPP_TIMEOUT_SECONDS = 20.0


class CppMissing(Exception):
    """The configured preprocessor program does not exist."""


@dataclass
class CppError:
    message: str
    path: Path | None
    line: int  # 0-based
    column: int  # 0-based


@dataclass
class Preprocessed:
    """Text ready for the lexer, with the source (file, 0-based line) of every output line."""

    text: str
    origins: list[tuple[Path | None, int]]
    included: set[Path] = field(default_factory=set)
    error: CppError | None = None
    used_cpp: bool = False
    # (path, mtime_ns, size) of every #included file, so a cached result notices a changed header.
    stamps: tuple[tuple[Path, int, int], ...] = ()

    def fresh(self) -> bool:
        return all(stamp(path) == (mtime, size) for path, mtime, size in self.stamps)


def stamp(path: Path) -> tuple[int, int]:
    try:
        info = os.stat(path)
    except OSError:
        return (-1, -1)
    return (info.st_mtime_ns, info.st_size)


ReadText = Callable[[Path], "str | None"]

_CACHE: dict[tuple[object, ...], Preprocessed] = {}
_CACHE_LIMIT = 4096


def raw(text: str, path: Path | None) -> Preprocessed:
    """No preprocessing: the lexer skips `#` lines itself, like camkes-tool's `--nocpp`."""
    return Preprocessed(text, [(path, i) for i in range(text.count("\n") + 1)])


INCLUDE_LINE = re.compile(r"^[ \t]*#[ \t]*(?:include|include_next|import)\b", re.M)


def effective_flags(text: str, settings: CamkesSettings) -> tuple[str, ...]:
    """The flags that can change this text's output: `-I` only matters to a file that includes."""
    flags = settings.cpp_flags()
    if INCLUDE_LINE.search(text):
        return tuple(flags)
    return tuple(f for f in flags if not f.startswith("-I"))


def needs_cpp(text: str, settings: CamkesSettings) -> bool:
    """False when cpp cannot change the text (no directive, no predefined or -D macro name in it)."""
    if "#" in text:
        return True
    names = set(PREDEFINED) | {d.split("=", 1)[0] for d in settings.defines}
    names.add("CAMKES_TOOL_PROCESSING")
    return bool(set(re.findall(r"[A-Za-z_]\w*", text)) & names)


def preprocess(text: str, path: Path | None, settings: CamkesSettings) -> Preprocessed:
    """Preprocess one file's text; raises CppMissing when the preprocessor does not exist."""
    if not needs_cpp(text, settings):
        return raw(text, path)
    key = (path, hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest(),
           settings.cpp, effective_flags(text, settings))
    hit = _CACHE.get(key)
    if hit is not None and hit.fresh():
        return hit
    result = run_cpp(text, path, settings)
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[key] = result
    return result


def run_cpp(text: str, path: Path | None, settings: CamkesSettings) -> Preprocessed:
    cwd = path.parent if path is not None and path.parent.is_dir() else None
    command = [settings.cpp, *effective_flags(text, settings), "-"]
    try:
        done = subprocess.run(command, input=text.encode("utf-8", "surrogatepass"), capture_output=True,
                              cwd=cwd, timeout=CPP_TIMEOUT_SECONDS, check=False)
    except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
        raise CppMissing(str(exc)) from exc
    except subprocess.TimeoutExpired:
        return Preprocessed(text="", origins=[], used_cpp=True,
                            error=CppError("CPP command timed out", path, 0, 0))
    out = done.stdout.decode("utf-8", "replace")
    if done.returncode != 0:
        return Preprocessed(text="", origins=[], used_cpp=True,
                            error=cpp_error(done.stderr.decode("utf-8", "replace"), path, cwd))
    return parse_markers(out, path, cwd)


def _resolve(name: str, main: Path | None, cwd: Path | None) -> Path | None:
    if name == "<stdin>":
        return main
    candidate = Path(name)
    if not candidate.is_absolute() and cwd is not None:
        candidate = cwd / candidate
    return Path(os.path.normpath(candidate))


def cpp_error(stderr: str, main: Path | None, cwd: Path | None) -> CppError:
    """The first `error:` line of cpp's output, located where cpp says."""
    for line in stderr.splitlines():
        match = CPP_ERROR.match(line.strip())
        if match:
            where = _resolve(match.group(1), main, cwd)
            column = int(match.group(3) or 1) - 1
            return CppError(f"CPP command failed: {match.group(4)}", where, int(match.group(2)) - 1,
                            max(column, 0))
    first = stderr.strip().splitlines()[0] if stderr.strip() else "no output"
    return CppError(f"CPP command failed: {first}", main, 0, 0)


def parse_markers(out: str, main: Path | None, cwd: Path | None) -> Preprocessed:
    """Split cpp output into lexer text and per-line origins; marker lines become blank lines."""
    lines = out.split("\n")
    origins: list[tuple[Path | None, int]] = []
    included: set[Path] = set()
    current: Path | None = main
    line_no = 0
    system = False
    for i, line in enumerate(lines):
        if line.startswith("#"):
            match = MARKER.match(line)
            if match:
                name = match.group(2)
                flags = match.group(3).split()
                line_no = int(match.group(1)) - 1
                system = "3" in flags
                if name in PSEUDO_FILES:
                    current = None
                    system = True
                else:
                    current = _resolve(name, main, cwd)
                    if current is not None and current != main and not system:
                        included.add(current)
                lines[i] = ""
                origins.append((current, max(line_no - 1, 0)))
                continue
        origins.append((current, line_no))
        line_no += 1
    stamps = tuple((p, *stamp(p)) for p in sorted(included))
    return Preprocessed("\n".join(lines), origins, included, used_cpp=True, stamps=stamps)


class ColumnMapper:
    """Finds where each token of an output line was written in its source line."""

    def __init__(self, main_text: str, main: Path | None, read: ReadText) -> None:
        self._lines: dict[Path | None, list[str]] = {main: main_text.split("\n")}
        self._read = read
        self._cursor: dict[tuple[Path | None, int], int] = {}

    def source_line(self, path: Path | None, line: int) -> str:
        lines = self._lines.get(path)
        if lines is None:
            text = self._read(path) if path is not None else None
            lines = text.split("\n") if text is not None else []
            self._lines[path] = lines
        return lines[line] if 0 <= line < len(lines) else ""

    def locate(self, path: Path | None, line: int, token: str) -> tuple[int, int]:
        """(start, end) columns of `token` in the source line; a macro name when it is not there."""
        source = self.source_line(path, line)
        key = (path, line)
        cursor = self._cursor.get(key, 0)
        at = _find_token(source, token, cursor)
        if at >= 0:
            self._cursor[key] = at + len(token)
            return at, at + len(token)
        macro = re.compile(r"\s*([A-Za-z_]\w*)").match(source, cursor)
        if macro:
            return macro.start(1), macro.end(1)
        rest = len(source.rstrip())
        return min(cursor, rest), rest


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _find_token(source: str, token: str, start: int) -> int:
    """Index of `token` in `source` from `start`; a word only where it is not part of a longer word."""
    if not token:
        return -1
    if not _is_word(token[0]):
        return source.find(token, start)
    at = source.find(token, start)
    while at >= 0:
        before = source[at - 1] if at > 0 else " "
        after = source[at + len(token)] if at + len(token) < len(source) else " "
        if not _is_word(before) and not _is_word(after):
            return at
        at = source.find(token, at + 1)
    return -1
