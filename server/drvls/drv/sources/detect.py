"""Which files are rule sources, and in which editor's dialect: decided by file name (and, for the
rule folders of Cursor, Copilot, Cline, Windsurf, Roo, Kiro, Junie and Claude, the folder) only.

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
    AGENTS = "agents"  # AGENTS.md (Codex, Jules, Amp, Cursor, Windsurf, Junie, …)
    GEMINI = "gemini"  # GEMINI.md (Gemini CLI)
    JUNIE = "junie"  # .junie/guidelines.md
    CLINE = "cline"  # a single .clinerules file
    # One file per scope, with front matter saying where and when it applies:
    CURSOR_MDC = "cursor-mdc"  # .cursor/rules/**/*.mdc: description, globs, alwaysApply
    COPILOT_INSTRUCTIONS = "copilot-instructions"  # .github/instructions/**/*.instructions.md: applyTo
    CLINE_RULES = "cline-rules"  # .clinerules/**/*.md: paths
    WINDSURF_RULES = "windsurf-rules"  # .windsurf/rules/**/*.md: trigger, globs, description
    ROO_RULES = "roo-rules"  # .roo/rules/** and .roo/rules-MODE/** (no front matter)
    KIRO_STEERING = "kiro-steering"  # .kiro/steering/**/*.md: inclusion, fileMatchPattern
    CLAUDE_RULES = "claude-rules"  # .claude/rules/**/*.md: paths
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
    ("CLAUDE.local.md", Format.CLAUDE, False),
    ("AGENTS.md", Format.AGENTS, False),
    ("GEMINI.md", Format.GEMINI, False),
    (".clinerules", Format.CLINE, True),
)

# (folder path inside the repository, format, file-name suffixes): files anywhere under the folder.
RULE_FOLDERS: tuple[tuple[tuple[str, ...], Format, tuple[str, ...]], ...] = (
    ((".cursor", "rules"), Format.CURSOR_MDC, (".mdc",)),
    ((".github", "instructions"), Format.COPILOT_INSTRUCTIONS, (".instructions.md",)),
    ((".clinerules",), Format.CLINE_RULES, (".md", ".txt")),
    ((".windsurf", "rules"), Format.WINDSURF_RULES, (".md",)),
    ((".kiro", "steering"), Format.KIRO_STEERING, (".md",)),
    ((".claude", "rules"), Format.CLAUDE_RULES, (".md",)),
)
SCOPED_FORMATS = frozenset({Format.CURSOR_MDC, Format.COPILOT_INSTRUCTIONS, Format.CLINE_RULES,
                            Format.WINDSURF_RULES, Format.ROO_RULES, Format.KIRO_STEERING, Format.CLAUDE_RULES})


def rule_folder(path: PurePath) -> tuple[Format, PurePath] | None:
    """The scoped format of a file inside an assistant's rule folder, and its path inside that folder."""
    parts = path.parts
    for folder, fmt, suffixes in RULE_FOLDERS:
        for i in range(len(parts) - len(folder)):
            if parts[i:i + len(folder)] == folder and path.name.endswith(suffixes):
                return fmt, PurePath(*parts[i + len(folder):])
    for i in range(len(parts) - 2):
        if parts[i] == ".roo" and (parts[i + 1] == "rules" or parts[i + 1].startswith("rules-")):
            return Format.ROO_RULES, PurePath(*parts[i + 1:])
    return None

DECOMPILED_MARKER = "<!-- drv: ruleset "


def format_by_name(path: PurePath) -> Format | None:
    """The dialect a file name announces, or None when the name is not a rule-source name."""
    name = path.name
    if name == "rules.md" and path.parent.name == ".driven":
        return Format.DRIVEN
    if name == "guidelines.md" and path.parent.name == ".junie":
        return Format.JUNIE
    folder = rule_folder(path)
    if folder is not None:
        return folder[0]
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
    if path.suffix == ".mdc" and format_by_name(path) is None:
        return Format.CURSOR_MDC
    return format_by_name(path) or Format.DRIVEN
