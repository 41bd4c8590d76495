"""Rule files that carry their own scope: one file per scope, front matter saying where and when.

Each file becomes one `Scope` (named after the file, so emitting writes the same names back) that
every rule of its body shares. Front-matter keys the format reads become the scope; other keys and
unreadable lines are kept as a raw rule (nothing is lost); the body is read like any Markdown source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import PurePath

from drvls.core.diagnostics import Position, Range
from drvls.core.engine import make
from drvls.drv import codes
from drvls.drv.model import Activation, Raw, Scope, SourceRef
from drvls.drv.sources.detect import Format, rule_folder
from drvls.drv.sources.front_matter import FrontMatter, boolean, read_front_matter
from drvls.drv.sources.mapping import map_markdown
from drvls.drv.sources.markdown import parse_markdown, split_lines
from drvls.drv.sources.parsed import ParsedSource, RuleSite, line_range

BODY_DIALECT = {Format.CURSOR_MDC: Format.CURSOR, Format.COPILOT_INSTRUCTIONS: Format.COPILOT,
                Format.WINDSURF_RULES: Format.WINDSURF, Format.CLAUDE_RULES: Format.CLAUDE}
SUFFIXES = (".instructions.md", ".mdc", ".md", ".txt")

ScopeReader = Callable[[FrontMatter, str, PurePath], tuple[Scope, set[str]]]

WINDSURF_TRIGGERS = {"always_on": Activation.ALWAYS, "glob": Activation.FILES,
                     "model_decision": Activation.REQUESTED, "manual": Activation.MANUAL}
KIRO_INCLUSION = {"always": Activation.ALWAYS, "fileMatch": Activation.FILES, "auto": Activation.REQUESTED,
                  "manual": Activation.MANUAL}
TEXT, GLOBS, BOOLEAN = "text", "globs", "boolean"
# The front-matter keys each format reads, in the order its documentation lists them, and what each
# value is: free text, globs, a boolean or a word of a table (word → activation). The readers below
# and completion (`drv/completion.py`) both take the keys from here.
FRONT_MATTER_KEYS: dict[Format, dict[str, str | dict[str, Activation]]] = {
    Format.CURSOR_MDC: {"description": TEXT, "globs": GLOBS, "alwaysApply": BOOLEAN},
    Format.COPILOT_INSTRUCTIONS: {"applyTo": GLOBS, "description": TEXT},
    Format.CLINE_RULES: {"paths": GLOBS, "description": TEXT},
    Format.CLAUDE_RULES: {"paths": GLOBS, "description": TEXT},
    Format.WINDSURF_RULES: {"trigger": WINDSURF_TRIGGERS, "globs": GLOBS, "description": TEXT},
    Format.KIRO_STEERING: {"inclusion": KIRO_INCLUSION, "fileMatchPattern": GLOBS, "description": TEXT},
}


def keys_of(fmt: Format) -> set[str]:
    return set(FRONT_MATTER_KEYS.get(fmt, {}))


def scope_name(path: PurePath) -> str:
    """`python` for `python.mdc`, `api/rest` for `api/rest.instructions.md` (`/`-separated)."""
    text = path.as_posix()
    for suffix in SUFFIXES:
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text


def cursor(fm: FrontMatter, name: str, _rel: PurePath) -> tuple[Scope, set[str]]:
    """Cursor's four rule types: Always, Auto Attached (globs), Agent Requested (description), Manual."""
    globs, description = tuple(fm.items("globs")), fm.text("description") or None
    if boolean(fm.text("alwaysApply")):
        activation = Activation.ALWAYS
    elif globs:
        activation = Activation.FILES
    elif description:
        activation = Activation.REQUESTED
    else:
        activation = Activation.MANUAL
    return Scope(name, activation, globs, description), keys_of(Format.CURSOR_MDC)


def copilot(fm: FrontMatter, name: str, _rel: PurePath) -> tuple[Scope, set[str]]:
    """`applyTo` globs; a file without it is attached by hand only."""
    globs = tuple(fm.items("applyTo"))
    activation = Activation.FILES if globs else Activation.MANUAL
    return Scope(name, activation, globs, fm.text("description")), keys_of(Format.COPILOT_INSTRUCTIONS)


def paths_scoped(fm: FrontMatter, name: str, _rel: PurePath) -> tuple[Scope, set[str]]:
    """Cline and Claude Code: `paths` globs; without them the file always applies."""
    globs = tuple(fm.items("paths"))
    activation = Activation.FILES if globs else Activation.ALWAYS
    return Scope(name, activation, globs, fm.text("description")), keys_of(Format.CLINE_RULES)


def windsurf(fm: FrontMatter, name: str, _rel: PurePath) -> tuple[Scope, set[str]]:
    globs = tuple(fm.items("globs"))
    trigger = (fm.text("trigger") or "").strip()
    activation = WINDSURF_TRIGGERS.get(trigger, Activation.FILES if globs else Activation.ALWAYS)
    return Scope(name, activation, globs, fm.text("description")), keys_of(Format.WINDSURF_RULES)


def kiro(fm: FrontMatter, name: str, _rel: PurePath) -> tuple[Scope, set[str]]:
    """Kiro steering: `inclusion` (default always), `fileMatchPattern` (one glob or a list)."""
    globs = tuple(fm.items("fileMatchPattern"))
    activation = KIRO_INCLUSION.get((fm.text("inclusion") or "always").strip(), Activation.ALWAYS)
    return Scope(name, activation, globs, fm.text("description")), keys_of(Format.KIRO_STEERING)


def roo(_fm: FrontMatter, name: str, rel: PurePath) -> tuple[Scope, set[str]]:
    """`.roo/rules/` always applies; `.roo/rules-MODE/` only in that mode, so never everywhere."""
    folder = rel.parts[0] if len(rel.parts) > 1 else "rules"
    if folder == "rules":
        return Scope(scope_name(PurePath(*rel.parts[1:])) if len(rel.parts) > 1 else name), set()
    mode = folder.removeprefix("rules-")
    return Scope(name, Activation.MANUAL, (), f"Roo Code {mode} mode"), set()


READERS: dict[Format, ScopeReader] = {
    Format.CURSOR_MDC: cursor, Format.COPILOT_INSTRUCTIONS: copilot, Format.CLINE_RULES: paths_scoped,
    Format.CLAUDE_RULES: paths_scoped, Format.WINDSURF_RULES: windsurf, Format.KIRO_STEERING: kiro,
    Format.ROO_RULES: roo,
}


def parse_scoped(text: str, file: str, fmt: Format) -> ParsedSource:
    """One scoped rule file: its scope from the front matter, its rules from the body."""
    lines = split_lines(text)
    fm = read_front_matter(lines) if fmt is not Format.ROO_RULES else FrontMatter()
    folder = rule_folder(PurePath(file))
    rel = folder[1] if folder is not None else PurePath(PurePath(file).name)
    scope, used = READERS[fmt](fm, scope_name(rel), rel)
    fm.keep(used)
    parsed = ParsedSource(sources=[file])
    for number, message in fm.problems:
        pos = Position(number - 1, 0)
        parsed.problems.append(make(codes.INVALID_FRONT_MATTER, f"cannot read this front-matter line: {message}; "
                                    "it is kept as text", Range(pos, Position(pos.line, len(lines[number - 1])))))
    kept = [n for n in fm.unread if lines[n - 1].strip()]
    if kept:
        body = "\n".join(["---", *(lines[n - 1] for n in kept), "---"])
        parsed.rules.append(Raw(body, source=SourceRef(file, kept[0])))
        parsed.sites.append(RuleSite(anchor=line_range(kept[0], 0, lines[kept[0] - 1]), lines=frozenset(kept)))
    blanked = [""] * fm.end + lines[fm.end:]
    map_markdown(parse_markdown("\n".join(blanked)), file, BODY_DIALECT.get(fmt, Format.DRIVEN), parsed)
    if not parsed.rules and fm.end:  # a file of front matter only: keep its text
        parsed.rules.append(Raw("\n".join(lines[:fm.end]), source=SourceRef(file, 1)))
        parsed.sites.append(RuleSite(anchor=line_range(1, 0, lines[0]), lines=frozenset(range(1, fm.end + 1))))
    elif fm.end:  # the scope's lines are carried by the file's rules (every one has the scope)
        parsed.sites[0] = replace(parsed.sites[0], lines=parsed.sites[0].lines | frozenset(range(1, fm.end + 1)))
    for rule in parsed.rules:
        rule.scope = scope
    return parsed
