"""The rule-set model shared by rule-source parsing, the `.drv` encoder and decoders.

One ordered list of rules, in source order, each remembering where it came from, so that
compile → decompile is lossless (upstream keeps only the last persona/context/workflow).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class Category(IntEnum):
    """Standard categories; values are upstream's `RuleCategory` bytes (v1-compatible)."""

    STYLE = 0
    NAMING = 1
    ERROR_HANDLING = 2
    TESTING = 3
    DOCUMENTATION = 4
    SECURITY = 5
    PERFORMANCE = 6
    ARCHITECTURE = 7
    IMPORTS = 8
    GIT = 9
    API = 10
    OTHER = 255


class RuleKind(IntEnum):
    """Record kinds; values are the v2 on-disk kind bytes."""

    PERSONA = 1
    STANDARD = 2
    CONTEXT = 3
    WORKFLOW = 4
    RAW = 5


class Activation(IntEnum):
    """When an assistant applies the rules of a scope; values are the SCOPES activation bytes."""

    ALWAYS = 0  # every request (Cursor `alwaysApply: true`, Windsurf `always_on`, Kiro `always`)
    FILES = 1  # when files matching the globs are in play (Cursor globs, Copilot `applyTo`)
    REQUESTED = 2  # when the agent decides from the description (Cursor, Windsurf `model_decision`)
    MANUAL = 3  # only when the user names it (`@rule`, Kiro `manual`)


@dataclass(frozen=True)
class Scope:
    """Where and when a group of rules applies: one `.mdc`, `.instructions.md` or steering file.

    `name` is the file's stem, so emitting gives the same file names back; rules without a scope
    apply everywhere, always.
    """

    name: str
    activation: Activation = Activation.ALWAYS
    globs: tuple[str, ...] = ()
    description: str | None = None


@dataclass(frozen=True)
class SourceRef:
    """Where a rule was written: a path as given to `compile` (relative, `/`-separated) and a 1-based line."""

    file: str | None = None
    line: int | None = None


@dataclass
class Persona:
    name: str
    role: str
    identity: str | None = None
    style: str | None = None
    traits: list[str] = field(default_factory=list)
    principles: list[str] = field(default_factory=list)
    source: SourceRef = field(default_factory=SourceRef)
    scope: Scope | None = None
    kind: RuleKind = field(default=RuleKind.PERSONA, init=False)


@dataclass
class Standard:
    category: Category
    priority: int  # 0 = highest; 0..255
    description: str
    pattern: str | None = None
    source: SourceRef = field(default_factory=SourceRef)
    scope: Scope | None = None
    kind: RuleKind = field(default=RuleKind.STANDARD, init=False)


@dataclass
class Context:
    includes: list[str] = field(default_factory=list)
    excludes: list[str] = field(default_factory=list)
    focus: list[str] = field(default_factory=list)
    dependencies: list[tuple[str, str]] = field(default_factory=list)  # (name, version)
    source: SourceRef = field(default_factory=SourceRef)
    scope: Scope | None = None
    kind: RuleKind = field(default=RuleKind.CONTEXT, init=False)


@dataclass
class WorkflowStep:
    name: str
    description: str
    condition: str | None = None
    actions: list[str] = field(default_factory=list)


@dataclass
class Workflow:
    name: str
    steps: list[WorkflowStep] = field(default_factory=list)
    source: SourceRef = field(default_factory=SourceRef)
    scope: Scope | None = None
    kind: RuleKind = field(default=RuleKind.WORKFLOW, init=False)


@dataclass
class Raw:
    content: str
    source: SourceRef = field(default_factory=SourceRef)
    scope: Scope | None = None
    kind: RuleKind = field(default=RuleKind.RAW, init=False)


Rule = Persona | Standard | Context | Workflow | Raw


@dataclass
class RuleSet:
    """An ordered rule set; `sources` lists the compiled source files in the order given."""

    rules: list[Rule] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def scopes(self) -> list[Scope]:
        """The distinct scopes of the rules, in first-seen order (the SCOPES section's order)."""
        seen: dict[Scope, None] = {}
        for rule in self.rules:
            if rule.scope is not None:
                seen.setdefault(rule.scope, None)
        return list(seen)
