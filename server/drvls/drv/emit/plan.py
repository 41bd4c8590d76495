"""A rule set → every generated file's exact text, per target; nothing here touches the disk.

Deterministic: the same source bytes and targets give the same files, byte for byte. Rules are
grouped by scope (unscoped rules form one group), groups keep the order of their first rule, and
each file carries its rules as decompiled-Markdown blocks with `n=INDEX`, so `compile` can put
every rule back in its place. What a target cannot express is listed in `dropped`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from drvls.drv.emit.targets import AIDER_CONFIG, TARGETS, Place, Target, roo_mode
from drvls.drv.model import Activation, Rule, RuleSet, Scope
from drvls.drv.sources.canonical import HEADER, attr_json, render_rule, render_scope
from drvls.drv.sources.emitted import EmitHeader, content_digest, human_line, machine_line

SEGMENT = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Source:
    """The `.drv` being emitted: its path relative to the output folder, digest and signing key."""

    label: str
    digest: str
    key: str | None = None


@dataclass(frozen=True)
class Generated:
    target: str
    path: str  # relative to the output folder, `/`-separated
    text: str

    @property
    def data(self) -> bytes:
        return self.text.encode("utf-8")


@dataclass
class Group:
    scope: Scope | None
    entries: list[tuple[int, Rule]] = field(default_factory=list)


@dataclass
class Plan:
    files: list[Generated] = field(default_factory=list)
    dropped: dict[str, list[tuple[int, Rule]]] = field(default_factory=dict)  # per target


def groups_of(ruleset: RuleSet) -> list[Group]:
    """Rules by scope, in order of each group's first rule."""
    found: dict[Scope | None, Group] = {}
    for index, rule in enumerate(ruleset.rules):
        group = found.get(rule.scope)
        if group is None:
            group = found[rule.scope] = Group(rule.scope)
        group.entries.append((index, rule))
    return list(found.values())


def slug(name: str) -> str:
    """A safe relative path from a scope name: no `..`, no empty or hidden parts, no odd bytes."""
    parts = [SEGMENT.sub("-", p).strip("-.") for p in name.split("/")]
    kept = [p for p in parts if p]
    return "/".join(kept) or "rules"


class Names:
    """File names inside one folder, unique ignoring case (for case-insensitive file systems)."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def claim(self, wanted: str) -> str:
        name, n = wanted, 1
        while name.lower() in self.taken:
            n += 1
            name = f"{wanted}-{n}"
        self.taken.add(name.lower())
        return name


@dataclass
class Blocks:
    """Every group's text (its scope's declaration, then its rules' blocks), rendered and joined
    once for all targets: each target only puts whole groups together."""

    ruleset_line: str
    groups: list[Group]
    texts: dict[int, str]  # by id of the group

    @classmethod
    def of(cls, ruleset: RuleSet) -> Blocks:
        ids = {scope: i for i, scope in enumerate(ruleset.scopes())}
        line = HEADER.format(sources=attr_json(list(ruleset.sources)))
        groups = groups_of(ruleset)
        texts = {id(group): group_text(group, ids) for group in groups}
        return cls(line.replace(" -->", f" rules={len(ruleset.rules)} -->"), groups, texts)


def group_text(group: Group, ids: dict[Scope, int]) -> str:
    """The group's blocks, `n=INDEX` (and `scope=ID`) on each rule; blank lines between blocks."""
    scope = group.scope
    extra: dict[str, int] = {} if scope is None else {"scope": ids[scope]}
    parts = [] if scope is None else [render_scope(ids[scope], scope)]
    parts += [render_rule(rule, {"n": index, **extra}) for index, rule in group.entries]
    return "\n\n".join(parts)


def render_file(source: Source, target: str, path: str, front: list[str], blocks: Blocks,
                groups: Sequence[Group], comment: str = "<!--") -> Generated:
    """One generated file: front matter, the two header lines, then the rules."""
    top = ["---", *front, "---"] if front else []
    body = "\n\n".join([blocks.ruleset_line, *(blocks.texts[id(group)] for group in groups)])
    return finish(source, target, path, top, body + "\n", comment)


def finish(source: Source, target: str, path: str, top: list[str], body: str, comment: str) -> Generated:
    """Insert the header: its `content` digest covers the file without the machine line."""
    draft = EmitHeader(source.label, source.digest, target, path, "0" * 16, source.key)
    human = human_line(draft, comment)
    without = "\n".join([*top, human, ""]) + ("\n" + body if body else "")
    header = EmitHeader(source.label, source.digest, target, path, content_digest(without), source.key)
    text = "\n".join([*top, human, machine_line(header, comment), ""]) + ("\n" + body if body else "")
    return Generated(target, path, text)


def folder_path(target: Target, group: Group, names: dict[str, Names], stem: str) -> str:
    """Where a group's own file goes; Roo's mode rules go to `.roo/rules-MODE/`."""
    assert target.folder is not None
    folder = target.folder
    mode = roo_mode(group.scope) if target.name == "roo" else None
    if mode is not None:
        folder = f".roo/rules-{slug(mode)}"
    wanted = stem if group.scope is None else slug(group.scope.name)
    name = names.setdefault(folder, Names()).claim(wanted)
    return f"{folder}/{name}{target.suffix}"


def plan_target(target: Target, ruleset: RuleSet, source: Source,
                blocks: Blocks | None = None) -> tuple[list[Generated], list[tuple[int, Rule]]]:
    blocks = blocks or Blocks.of(ruleset)
    stem = slug(PurePosixPath(source.label).stem)
    main: list[Group] = []
    own: list[Group] = []
    dropped: list[tuple[int, Rule]] = []
    for group in blocks.groups:
        place = target.place(group.scope)
        if place is Place.MAIN and target.main is not None:
            main.append(group)
        elif place is Place.FOLDER or place is Place.MAIN:
            own.append(group)
        else:
            dropped.extend(group.entries)
    files: list[Generated] = []
    if target.main is not None:
        files.append(render_file(source, target.name, target.main, [], blocks, main))
    names: dict[str, Names] = {}
    if target.folder is not None:  # scope names first, so the unscoped file yields on a clash
        ordered = [g for g in own if g.scope is not None] + [g for g in own if g.scope is None]
        paths = {id(g): folder_path(target, g, names, stem) for g in ordered}
        for group in own:
            files.append(render_file(source, target.name, paths[id(group)], target.front(group.scope), blocks,
                                     [group]))
    if target.name == "aider":
        files.append(finish(source, target.name, AIDER_CONFIG, [], f"read: {target.main}\n", "#"))
    return files, dropped


def plan_emit(ruleset: RuleSet, source: Source, targets: Sequence[str]) -> Plan:
    """Every file of every target, in target order then file order."""
    plan = Plan()
    blocks = Blocks.of(ruleset)
    for name in targets:
        files, dropped = plan_target(TARGETS[name], ruleset, source, blocks)
        plan.files.extend(files)
        plan.dropped[name] = dropped
    return plan


ACTIVATION_WORDS = {Activation.ALWAYS: "always", Activation.FILES: "files", Activation.REQUESTED: "on request",
                    Activation.MANUAL: "manual"}


def describe_drops(dropped: list[tuple[int, Rule]]) -> str:
    """`2 rules of scope python (files **/*.py), 1 of review (on request)`."""
    counts: dict[Scope, int] = {}
    for _index, rule in dropped:
        assert rule.scope is not None
        counts[rule.scope] = counts.get(rule.scope, 0) + 1
    parts = []
    for scope, n in counts.items():
        how = ACTIVATION_WORDS[scope.activation] + (f" {', '.join(scope.globs)}" if scope.globs else "")
        parts.append(f"{n} rule{'s' if n != 1 else ''} of scope {scope.name or '(unnamed)'} ({how})")
    return "; ".join(parts)
