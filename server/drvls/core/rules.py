"""The catalogue of rule codes: one registration per rule, documented and stable.

Each language declares its rules in its own `codes.py`; `docs/rules.md` is generated from
this registry (`drvls rules --markdown`) and a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from drvls.core.diagnostics import Severity

_REGISTRY: dict[str, RuleInfo] = {}

# Where a code's documentation lives (`{code}`, `{code_lower}`); the `docs_url` setting overrides it.
INFORMATION_URI = "https://github.com/drvls/drvls"
DOCS_URL_TEMPLATE = INFORMATION_URI + "/blob/main/docs/rules.md#{code_lower}"


@dataclass(frozen=True)
class RuleInfo:
    """One rule as one unit: its code and summary, and, read from the source (`core/rule_sites.py`),
    the functions that emit it, the conditions they test and the messages they write. A
    registration may add its own longer `explanation` and an input `example`."""

    code: str
    name: str
    severity: Severity
    summary: str
    family: str
    explanation: str = ""
    example: str = ""
    # Severities the rule is reported with in other situations, and when (`(WARNING, "when …")`),
    # so the catalogue shows the severity a user really sees.
    contexts: tuple[tuple[Severity, str], ...] = ()

    def __str__(self) -> str:
        return self.code

    @property
    def emitted_by(self) -> tuple[str, ...]:
        """`module:function` (or a module, for a table) of every place that emits this rule."""
        from drvls.core.rule_sites import emitters

        return emitters(self.code)

    @property
    def severity_text(self) -> str:
        return "; ".join([self.severity.label, *(f"{s.label} {when}" for s, when in self.contexts)])


def rule(code: str, name: str, severity: Severity, summary: str, family: str, explanation: str = "",
         example: str = "", contexts: tuple[tuple[Severity, str], ...] = ()) -> RuleInfo:
    """Register a rule; a code may be registered once only, so codes stay unique."""
    if code in _REGISTRY:
        raise ValueError(f"rule code registered twice: {code}")
    info = RuleInfo(code, name, severity, summary, family, explanation, example, contexts)
    _REGISTRY[code] = info
    return info


def all_rules() -> list[RuleInfo]:
    load_all_families()
    return sorted(_REGISTRY.values(), key=lambda r: r.code)


def lookup(code: str) -> RuleInfo | None:
    load_all_families()
    return _REGISTRY.get(code)


def load_all_families() -> None:
    """Import every family's code table so the registry is complete."""
    from drvls.core import languages

    languages.load_code_tables()


def matches(code: str, selectors: tuple[str, ...] | list[str]) -> bool:
    """Prefix match as in ruff: `MK` selects every `MK…` code, `MK012` just that one, `ALL` everything."""
    return any(sel == "ALL" or code.startswith(sel) for sel in selectors)
