"""Running the C preprocessor per file, as camkes-tool does, and mapping its output back.

camkes-tool runs `cpp` on every file on its own (macros never cross `import`), with
`-DCAMKES_TOOL_PROCESSING` and the build's `-I` directories. We do the same, feeding the
buffer on stdin (so unsaved edits count) from the file's folder (so `#include "x.h"` finds
its neighbours). Line markers (`# N "file"`) say which source line each output line came
from; columns are recovered by finding each token again in that source line (cpp squeezes
blanks and drops comments), and tokens that came out of a macro land on the macro's name.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from drvls.camkes.cache import CACHE, Bounded, digest
from drvls.camkes.settings import CamkesSettings
from drvls.core.limits import run_limited
from drvls.core.reading import read_bounded

MARKER = re.compile(r'#\s*(\d+)\s+"((?:[^"\\]|\\.)*)"((?:\s+\d)*)\s*$')
CPP_ERROR = re.compile(r"^(.*?):(\d+):(?:(\d+):)?\s*(?:fatal )?error:\s*(.*)$")
# Words cpp rewrites even without a `#` line in the file (GNU C predefined macros).
PREDEFINED = frozenset({"linux", "unix", "i386"})
PSEUDO_FILES = ("<built-in>", "<command-line>")
CPP_TIMEOUT_SECONDS = 3.0  # cpp runs under core.limits: own process group, memory and time limits


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
    """Text ready for the parser, with the source (file, 0-based line) of every output line."""

    text: str
    origins: list[tuple[Path | None, int]]
    included: set[Path] = field(default_factory=set)
    error: CppError | None = None
    used_cpp: bool = False
    # (path, mtime_ns, size) of every #included file, so a cached result notices a changed header.
    stamps: tuple[tuple[Path, int, int], ...] = ()
    # Every file cpp read, system headers included (for re-using this result under other flags).
    read: frozenset[Path] = frozenset()

    def fresh(self) -> bool:
        return all(stamp(path) == (mtime, size) for path, mtime, size in self.stamps)


def stamp(path: Path) -> tuple[int, int]:
    try:
        info = os.stat(path)
    except OSError:
        return (-1, -1)
    return (info.st_mtime_ns, info.st_size)


ReadText = Callable[[Path], "str | None"]

# cpp's output by path, text digest, program and flags; bounded by the text held.
_CACHE: Bounded[tuple[object, ...], Preprocessed] = CACHE.table(4096, 4_000_000, lambda p: len(p.text))


def raw(text: str, path: Path | None) -> Preprocessed:
    """No preprocessing: the text as written (the grammar keeps `#` lines as nodes of their own)."""
    return Preprocessed(text, [(path, i) for i in range(text.count("\n") + 1)])


INCLUDE_LINE = re.compile(r"^[ \t]*#[ \t]*(?:include|include_next|import)\b", re.M)


def effective_flags(text: str, settings: CamkesSettings) -> tuple[str, ...]:
    """The flags that can change this text's output: `-I` only matters to a file that includes."""
    flags = settings.cpp_flags
    if INCLUDE_LINE.search(text):
        return flags
    return tuple(f for f in flags if not f.startswith("-I"))


# A line cpp could read as a directive: `#` (or the digraph `%:`) first on a line or right after
# a comment; trigraph `??=`; a backslash-newline splice; a lone carriage return.
_DIRECTIVE = re.compile(r"^[ \t\f\v]*(?:#|%:)|\*/[ \t\f\v]*(?:#|%:)|\?\?=|\\[ \t\f\v]*$|\r(?!\n)", re.M)
# Names the C standard reserves (`__FILE__`, `__LINE__`, `_Pragma`, every GNU `__x__` macro).
_RESERVED = re.compile(r"\b_[A-Z_]\w*")
_WORD = re.compile(r"[A-Za-z_]\w*")
_predefined: dict[str, frozenset[str]] = {}


def predefined(cpp: str) -> frozenset[str]:
    """The macros `cpp` defines before reading a file (`cpp -dM`), asked once per program."""
    found = _predefined.get(cpp)
    if found is None:
        names = set(PREDEFINED)
        try:
            done = run_limited([cpp, "-dM", "-"], b"", timeout=CPP_TIMEOUT_SECONDS)
            names |= {line.split()[1] for line in done.stdout.decode("utf-8", "replace").splitlines()
                      if line.startswith("#define ") and len(line.split()) > 1}
        except (OSError, subprocess.SubprocessError):
            pass
        found = _predefined[cpp] = frozenset(n.split("(")[0] for n in names)
    return found


def define_name(define: str) -> str:
    """`NAME` of a `-D NAME`, `-D NAME=VALUE` or `-D NAME(args)=VALUE` setting."""
    match = _WORD.match(define.strip())
    return match.group() if match else define


_needs: Bounded[tuple[bytes, str, tuple[str, ...]], bool] = CACHE.table(16384)


def needs_cpp(text: str, settings: CamkesSettings) -> bool:
    """`_needs_cpp`, remembered per text and settings (every load of a file asks)."""
    return _needs.get_or_compute((digest(text), settings.cpp, settings.defines), lambda: _needs_cpp(text, settings))


def _needs_cpp(text: str, settings: CamkesSettings) -> bool:
    """False when cpp's output would hold exactly the tokens of `text`, on the same lines.

    cpp changes text in four ways only: it obeys directives, splices backslash-newlines,
    replaces comments by blanks and expands macros. With no line cpp could read as a
    directive and no splice, the only macros are the predefined ones, the `-D` settings,
    `CAMKES_TOOL_PROCESSING` and the reserved-name builtins (`__FILE__`, `__LINE__`,
    `_Pragma`, ...); if none of those names occurs, nothing is expanded. Comments the grammar
    skips itself. A line with an odd number of `"` might hold a string cpp ends at the line
    end where the grammar would not, so such text goes through cpp too.
    """
    if _DIRECTIVE.search(text) or _RESERVED.search(text):
        return True
    if any(line.count('"') % 2 for line in text.split("\n")):
        return True
    names = predefined(settings.cpp) | {define_name(d) for d in settings.defines} | {"CAMKES_TOOL_PROCESSING"}
    return not names.isdisjoint(_WORD.findall(text))


def preprocess(text: str, path: Path | None, settings: CamkesSettings, shortcut: bool = True) -> Preprocessed:
    """Preprocess one file's text; raises CppMissing when the preprocessor does not exist.

    `shortcut` skips cpp for text it would leave unchanged (see `needs_cpp`).
    """
    if shortcut and not needs_cpp(text, settings):
        return raw(text, path)
    key = (path, digest(text), settings.cpp, effective_flags(text, settings))
    hit = _CACHE.get(key)
    if hit is not None and hit.fresh():
        return hit
    result = reuse(text, key, settings) or run_cpp(text, path, settings)
    _CACHE.put(key, result)
    others = _BY_TEXT.get(key[:3]) or ()
    _BY_TEXT.put(key[:3], (*others[-7:], (key[3], result)))
    return result


# (path, digest, cpp) → results of that text under other flags, for `reuse`.
_BY_TEXT: Bounded[tuple[object, ...], tuple[tuple[tuple[str, ...], Preprocessed], ...]] = CACHE.table(
    4096, 4_000_000, lambda results: sum(len(r.text) for _, r in results))
_INCLUDE_NAME = re.compile(r'^[ \t]*#[ \t]*include[ \t]*([<"])([^>"\n]+)[>"]', re.M)
# Include forms whose file cannot be predicted from the text alone.
_UNPREDICTABLE = re.compile(r'^[ \t]*#[ \t]*(?:include_next|import|include[ \t]*[^<"\s])|__has_include', re.M)


def reuse(text: str, key: tuple[object, ...], settings: CamkesSettings) -> Preprocessed | None:
    """A result of the same text under other flags, when those flags cannot change the output.

    They cannot when (1) no `-D` name that differs occurs as a word in the text or any file
    cpp read, and (2) every `#include` of those files finds the same file (or none) through
    both `-I` lists. Only successful runs whose includes are all literal names are re-used.
    """
    flags = key[3]
    assert isinstance(flags, tuple)
    for old_flags, result in _BY_TEXT.get(key[:3]) or ():
        path = key[0] if isinstance(key[0], Path) else None
        if result.error is None and result.fresh() and _same_output(text, path, result, old_flags, flags):
            return result
    return None


@dataclass(frozen=True)
class _Facts:
    """What of a file decides cpp's output under other flags: its words and literal includes."""

    words: frozenset[str]
    includes: tuple[tuple[bool, str], ...]  # (quoted, name)
    predictable: bool


_facts: Bounded[tuple[Path, tuple[int, int]], _Facts] = CACHE.table(16384)


def _facts_of(body: str) -> _Facts:
    return _Facts(frozenset(_WORD.findall(body)),
                  tuple((m.group(1) == '"', m.group(2)) for m in _INCLUDE_NAME.finditer(body)),
                  _UNPREDICTABLE.search(body) is None)


def _file_facts(path: Path) -> _Facts | None:
    key = (path, stamp(path))
    found = _facts.get(key)
    if found is None:
        body = _file_text(path)
        if body is None:
            return None
        found = _facts.put(key, _facts_of(body))
    return found


def _same_output(text: str, path: Path | None, result: Preprocessed, old: tuple[str, ...],
                 new: tuple[str, ...]) -> bool:
    sources: list[tuple[_Facts | None, Path | None]] = [(_facts_of(text), path.parent if path else None)]
    sources += [(_file_facts(p), p.parent) for p in sorted(result.read)]
    facts = [(f, folder) for f, folder in sources if f is not None]
    if len(facts) < len(sources) or not all(f.predictable for f, _ in facts):
        return False
    changed = {define_name(f[2:]) for f in set(old) ^ set(new) if f.startswith("-D")}
    if changed and any(not changed.isdisjoint(f.words) for f, _ in facts):
        return False
    old_dirs = [f[2:] for f in old if f.startswith("-I")]
    new_dirs = [f[2:] for f in new if f.startswith("-I")]
    if old_dirs == new_dirs:
        return True
    for f, folder in facts:
        for quoted, name in f.includes:
            if quoted and folder is not None and os.path.isfile(os.path.join(folder, name)):
                continue  # found beside the including file, whatever the -I list
            if _find(name, old_dirs) != _find(name, new_dirs):
                return False
    return True


def _find(name: str, dirs: list[str]) -> str | None:
    for folder in dirs:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return candidate
    return None


def _file_text(path: Path) -> str | None:
    data = read_bounded(path)
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else None


def run_cpp(text: str, path: Path | None, settings: CamkesSettings) -> Preprocessed:
    cwd = path.parent if path is not None and path.parent.is_dir() else None
    command = [settings.cpp, *effective_flags(text, settings), "-"]
    try:
        done = run_limited(command, text.encode("utf-8", "surrogatepass"), cwd=cwd, timeout=CPP_TIMEOUT_SECONDS)
    except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
        raise CppMissing(str(exc)) from exc
    if done.stopped == "timeout":
        return Preprocessed(text="", origins=[], used_cpp=True,
                            error=CppError(f"CPP command timed out after {CPP_TIMEOUT_SECONDS:g} s "
                                           "(an #include of a pipe or device?)", path, 0, 0))
    if done.stopped == "output":
        return Preprocessed(text="", origins=[], used_cpp=True,
                            error=CppError("CPP output is too large", path, 0, 0))
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
    """cpp's output (markers kept: the grammar reads them as preprocessor lines) with per-line origins."""
    lines = out.split("\n")
    origins: list[tuple[Path | None, int]] = []
    included: set[Path] = set()
    read: set[Path] = set()
    current: Path | None = main
    line_no = 0
    system = False
    for line in lines:
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
                    if current is not None:
                        read.add(current)
                    if current is not None and current != main and not system:
                        included.add(current)
                origins.append((current, max(line_no - 1, 0)))
                continue
        origins.append((current, line_no))
        line_no += 1
    stamps = tuple((p, *stamp(p)) for p in sorted(included))
    return Preprocessed("\n".join(lines), origins, included, used_cpp=True, stamps=stamps,
                        read=frozenset(read) - {main} if main is not None else frozenset(read))


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
