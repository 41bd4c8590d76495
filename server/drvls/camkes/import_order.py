"""Organise imports: each run of consecutive `import` lines sorted, `<...>` (the include path)
before `"..."` (relative to the file), then by path. A run ends at any other line (a comment, a
blank line, a preprocessor line), so what a comment says of the imports below it stays true.

Safe for `drvls check --fix`: camkes-tool reads every import before resolving any name, so their
order never changes what the file means.
"""

from __future__ import annotations

import re

from drvls.core.code_actions import ORGANIZE_IMPORTS, Action
from drvls.core.diagnostics import Fix, Range, TextEdit
from drvls.core.languages import Analysis

CODE = "organize-imports"
TITLE = "Sort imports"
_IMPORT = re.compile(r'[ \t]*import[ \t]+(<[^>\n]*>|"[^"\n]*")[ \t]*;[ \t]*\Z')


def _key(line: str) -> tuple[int, str]:
    match = _IMPORT.match(line)
    assert match is not None
    target = match.group(1)
    return (0 if target.startswith("<") else 1, target[1:-1])


def sorted_runs(lines: list[str]) -> list[tuple[int, list[str]]]:
    """(first line, sorted lines) of each run of import lines that is not in order yet."""
    out: list[tuple[int, list[str]]] = []
    i = 0
    while i < len(lines):
        if not _IMPORT.match(lines[i]):
            i += 1
            continue
        j = i
        while j < len(lines) and _IMPORT.match(lines[j]):
            j += 1
        run = lines[i:j]
        ordered = sorted(run, key=_key)
        if ordered != run:
            out.append((i, ordered))
        i = j
    return out


def organise(text: str) -> Fix | None:
    """The one fix that sorts every run of imports, or None when they are all in order."""
    lines = text.split("\n")
    bare = [line.rstrip("\r") for line in lines]
    edits = []
    for first, ordered in sorted_runs(bare):
        last = first + len(ordered) - 1
        endings = [lines[k][len(bare[k]):] for k in range(first, last + 1)]  # keep each line's `\r`
        new = "\n".join(line + ending for line, ending in zip(ordered, endings, strict=True))
        edits.append(TextEdit(Range.at(first, 0, last, len(bare[last])), new.removesuffix(endings[-1])))
    return Fix(TITLE, tuple(edits), safe=True) if edits else None


def actions(text: str, analysis: Analysis) -> list[Action]:
    if "\r" in text.replace("\r\n", ""):  # lone `\r` line ends: leave the file as it is
        return []
    fix = organise(text)
    return [Action(CODE, ORGANIZE_IMPORTS, fix)] if fix is not None else []
