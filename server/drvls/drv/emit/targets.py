"""Each assistant's rule-file layout: where a group of rules goes and what front matter it wants.

A *group* is the rules of one scope (or the unscoped rules). A target puts a group in its main file
(`AGENTS.md`, `CLAUDE.md`), in a file of its own under the target's rule folder (one per scope,
with front matter), or nowhere when the tool cannot express that scope (the emit report says so).
docs/rule-sources.md §8 lists what each tool reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from drvls.drv.model import Activation, Scope


class Place(Enum):
    MAIN = "main"
    FOLDER = "folder"
    DROPPED = "dropped"


FrontMatter = Callable[[Scope | None], list[str]]
Placement = Callable[[Scope | None], Place]

PLAIN = re.compile(r"^[A-Za-z0-9(][^:#'\"\n\[\]{}]*$")
ROO_MODE = re.compile(r"^Roo Code (\S+) mode$")


def yaml_text(text: str) -> str:
    """A YAML scalar: plain when it cannot be misread, else a double-quoted (JSON) string."""
    if PLAIN.match(text) and text == text.strip() and not text.endswith(("-", "?")):
        return text
    return json.dumps(text, ensure_ascii=False)


def yaml_list(key: str, items: tuple[str, ...]) -> list[str]:
    return [f"{key}:", *(f"  - {json.dumps(item, ensure_ascii=False)}" for item in items)]


def unscoped_main(scope: Scope | None) -> bool:
    """Rules a single always-read file carries: unscoped ones and always-on scopes without globs."""
    return scope is None or (scope.activation is Activation.ALWAYS and not scope.globs)


def single_file(scope: Scope | None) -> Place:
    return Place.MAIN if unscoped_main(scope) else Place.DROPPED


def every_group_in_folder(_scope: Scope | None) -> Place:
    return Place.FOLDER


def cursor_front(scope: Scope | None) -> list[str]:
    if scope is None:
        return ["description: ", "globs: ", "alwaysApply: true"]
    globs = scope.globs
    joined = ",".join(globs) if not any("," in g for g in globs) else json.dumps(list(globs))
    always = "true" if scope.activation is Activation.ALWAYS else "false"
    return [f"description: {yaml_text(scope.description or '')}".rstrip(" "),
            f"globs: {joined}".rstrip(" "), f"alwaysApply: {always}"]


def copilot_place(scope: Scope | None) -> Place:
    return Place.MAIN if scope is None else Place.FOLDER


def copilot_front(scope: Scope | None) -> list[str]:
    lines = [] if scope is None or scope.description is None else [f"description: {yaml_text(scope.description)}"]
    if scope is not None and scope.globs and scope.activation in (Activation.FILES, Activation.ALWAYS):
        lines.append(f"applyTo: {json.dumps(','.join(scope.globs), ensure_ascii=False)}")
    elif scope is not None and scope.activation is Activation.ALWAYS:
        lines.append('applyTo: "**"')
    return lines


def paths_place(scope: Scope | None) -> Place:
    """Claude Code's `.claude/rules/` and Cline's `.clinerules/`: always-on or `paths`-scoped only."""
    if scope is None:
        return Place.MAIN
    return Place.FOLDER if scope.activation in (Activation.ALWAYS, Activation.FILES) else Place.DROPPED


def cline_place(scope: Scope | None) -> Place:
    return Place.FOLDER if paths_place(scope) is not Place.DROPPED else Place.DROPPED


def paths_front(scope: Scope | None) -> list[str]:
    if scope is None or scope.activation is not Activation.FILES or not scope.globs:
        return []
    return yaml_list("paths", scope.globs)


WINDSURF_TRIGGER = {Activation.ALWAYS: "always_on", Activation.FILES: "glob",
                    Activation.REQUESTED: "model_decision", Activation.MANUAL: "manual"}


def windsurf_front(scope: Scope | None) -> list[str]:
    if scope is None:
        return ["trigger: always_on"]
    lines = [f"trigger: {WINDSURF_TRIGGER[scope.activation]}"]
    if scope.globs:
        lines.append(f"globs: {json.dumps(','.join(scope.globs), ensure_ascii=False)}")
    if scope.description is not None:
        lines.append(f"description: {yaml_text(scope.description)}")
    return lines


KIRO_INCLUSION = {Activation.ALWAYS: "always", Activation.FILES: "fileMatch", Activation.REQUESTED: "auto",
                  Activation.MANUAL: "manual"}


def kiro_front(scope: Scope | None) -> list[str]:
    if scope is None:
        return ["inclusion: always"]
    lines = [f"inclusion: {KIRO_INCLUSION[scope.activation]}"]
    if scope.activation is Activation.REQUESTED:
        lines.append(f"name: {yaml_text(scope.name or 'rules')}")
    if len(scope.globs) == 1:
        lines.append(f"fileMatchPattern: {json.dumps(scope.globs[0], ensure_ascii=False)}")
    elif scope.globs:
        lines += yaml_list("fileMatchPattern", scope.globs)
    if scope.description is not None:
        lines.append(f"description: {yaml_text(scope.description)}")
    return lines


def roo_place(scope: Scope | None) -> Place:
    if unscoped_main(scope) or roo_mode(scope) is not None:
        return Place.FOLDER
    return Place.DROPPED


def roo_mode(scope: Scope | None) -> str | None:
    """`.roo/rules-MODE/` rules read back as manual scopes described "Roo Code MODE mode"."""
    if scope is None or scope.activation is not Activation.MANUAL or scope.description is None:
        return None
    match = ROO_MODE.match(scope.description)
    return match.group(1) if match and "/" not in match.group(1) else None


def no_front(_scope: Scope | None) -> list[str]:
    return []


@dataclass(frozen=True)
class Target:
    name: str
    main: str | None  # the always-read file, relative to the output folder
    folder: str | None  # one file per group under here
    suffix: str
    place: Placement
    front: FrontMatter
    reads: str  # what the tool reads (docs/rule-sources.md §8)


TARGETS: dict[str, Target] = {t.name: t for t in (
    Target("cursor", None, ".cursor/rules", ".mdc", every_group_in_folder, cursor_front,
           "`.cursor/rules/*.mdc`: front matter `description`, `globs`, `alwaysApply`"),
    Target("copilot", ".github/copilot-instructions.md", ".github/instructions", ".instructions.md",
           copilot_place, copilot_front,
           "`.github/copilot-instructions.md`; `.github/instructions/*.instructions.md` with `applyTo`"),
    Target("claude", "CLAUDE.md", ".claude/rules", ".md", paths_place, paths_front,
           "`CLAUDE.md`; `.claude/rules/*.md` with `paths`"),
    Target("agents", "AGENTS.md", None, ".md", single_file, no_front, "`AGENTS.md`"),
    Target("windsurf", None, ".windsurf/rules", ".md", every_group_in_folder, windsurf_front,
           "`.windsurf/rules/*.md`: front matter `trigger`, `globs`, `description`"),
    Target("cline", None, ".clinerules", ".md", cline_place, paths_front, "`.clinerules/*.md` with `paths`"),
    Target("aider", "CONVENTIONS.md", None, ".md", single_file, no_front,
           "`CONVENTIONS.md`, loaded by `read:` in `.aider.conf.yml`"),
    Target("gemini", "GEMINI.md", None, ".md", single_file, no_front, "`GEMINI.md`"),
    Target("roo", None, ".roo/rules", ".md", roo_place, no_front,
           "`.roo/rules/*.md` (always), `.roo/rules-MODE/*.md` (one mode)"),
    Target("kiro", None, ".kiro/steering", ".md", every_group_in_folder, kiro_front,
           "`.kiro/steering/*.md`: front matter `inclusion`, `fileMatchPattern`, `description`"),
    Target("junie", ".junie/guidelines.md", None, ".md", single_file, no_front, "`.junie/guidelines.md`"),
)}

AIDER_CONFIG = ".aider.conf.yml"
