"""Which files are rule sources, and in which editor's dialect: decided by file name only.

A file given by name on the command line is always read (in the generic dialect if its name is
not one of these); a folder walk only picks up these names, never "every .md".
"""

from __future__ import annotations

from enum import Enum
from pathlib import PurePath


class Format(Enum):
    CURSOR = "cursor"
    COPILOT = "copilot"
    WINDSURF = "windsurf"
    CLAUDE = "claude"
    AIDER_YAML = "aider-yaml"
    AIDER_CONVENTIONS = "aider-conventions"
    DRIVEN = "driven"  # `.driven/rules.md` and any file named on the command line
    DECOMPILED = "decompiled"  # the canonical Markdown written by `drvls decompile`


# (known name, format, case-sensitive): a file matches when its name is the known name or ends
# with "." + the known name without its leading dot (so `team.cursorrules` is a Cursor file).
KNOWN_NAMES: tuple[tuple[str, Format, bool], ...] = (
    (".cursorrules", Format.CURSOR, True),
    ("copilot-instructions.md", Format.COPILOT, True),
    (".windsurfrules", Format.WINDSURF, True),
    ("CLAUDE.md", Format.CLAUDE, False),
    (".aider.conf.yml", Format.AIDER_YAML, True),
    ("CONVENTIONS.md", Format.AIDER_CONVENTIONS, True),
)

DECOMPILED_MARKER = "<!-- drv: ruleset "


def format_by_name(path: PurePath) -> Format | None:
    """The dialect a file name announces, or None when the name is not a rule-source name."""
    name = path.name
    if name == "rules.md" and path.parent.name == ".driven":
        return Format.DRIVEN
    for known, fmt, case_sensitive in KNOWN_NAMES:
        candidate = name if case_sensitive else name.lower()
        target = known if case_sensitive else known.lower()
        if candidate == target or candidate.endswith("." + target.lstrip(".")):
            return fmt
    return None


def is_decompiled(text: str) -> bool:
    """Decompiled Markdown announces itself on its first line, whatever the file is called."""
    return text.lstrip("\ufeff").startswith(DECOMPILED_MARKER)


def format_for(path: PurePath, text: str) -> Format:
    """The dialect to read a file in: decompiled Markdown by content, else by name, else generic."""
    if is_decompiled(text):
        return Format.DECOMPILED
    return format_by_name(path) or Format.DRIVEN
