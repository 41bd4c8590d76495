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
    kind: RuleKind = field(default=RuleKind.PERSONA, init=False)


@dataclass
class Standard:
    category: Category
    priority: int  # 0 = highest; 0..255
    description: str
    pattern: str | None = None
    source: SourceRef = field(default_factory=SourceRef)
    kind: RuleKind = field(default=RuleKind.STANDARD, init=False)


@dataclass
class Context:
    includes: list[str] = field(default_factory=list)
    excludes: list[str] = field(default_factory=list)
    focus: list[str] = field(default_factory=list)
    dependencies: list[tuple[str, str]] = field(default_factory=list)  # (name, version)
    source: SourceRef = field(default_factory=SourceRef)
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
    kind: RuleKind = field(default=RuleKind.WORKFLOW, init=False)


@dataclass
class Raw:
    content: str
    source: SourceRef = field(default_factory=SourceRef)
    kind: RuleKind = field(default=RuleKind.RAW, init=False)


Rule = Persona | Standard | Context | Workflow | Raw


@dataclass
class RuleSet:
    """An ordered rule set; `sources` lists the compiled source files in the order given."""

    rules: list[Rule] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
