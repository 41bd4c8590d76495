"""Building blocks for per-element checks: attribute lists, required values, number/bool parsing."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from drvls.core.rules import RuleInfo
from drvls.microkit import codes, xmltree
from drvls.microkit.model import FixPlan, Issue, Related, attr_related, issue, related_to
from drvls.microkit.target import Target
from drvls.microkit.values import parse_bool, parse_number, parse_raw
from drvls.microkit.xmltree import AttrSpan, El

# (element, attribute or child element) → first Microkit version that accepts it.
SINCE: dict[tuple[str, str], tuple[int, int]] = {
    ("protection_domain", "cpu"): (2, 1), ("protection_domain", "setvar_id"): (2, 1),
    ("protection_domain", "fpu"): (2, 3), ("protection_domain", "domain"): (2, 3),
    ("program_image", "path_for_symbols"): (2, 2),
    ("map", "setvar_prefill_size"): (2, 2),
    ("irq", "setvar_id"): (2, 1), ("irq", "pin"): (2, 1), ("irq", "pcidev"): (2, 1),
    ("end", "setvar_id"): (2, 1), ("vcpu", "cpu"): (2, 1), ("vcpu", "setvar_id"): (2, 1),
    ("memory_region", "prefill_path"): (2, 2), ("memory_region", "prefill_bootinfo"): (2, 3),
    ("protection_domain", "ioport"): (2, 1), ("protection_domain", "cspace"): (2, 3),
    ("system", "domains"): (2, 3), ("system", "io_address_space"): (2, 3),
}


@dataclass
class Context:
    """What a top-level element's checks depend on besides its own text."""

    target: Target
    domains: frozenset[str] | None  # names declared by an earlier <domains>, None if none yet


@lru_cache(maxsize=8)
def gated(version: tuple[int, int]) -> dict[tuple[str, str], tuple[int, int]]:
    """The `SINCE` entries that a given Microkit version does not have yet."""
    return {key: since for key, since in SINCE.items() if version < since}


class Checker:
    def __init__(self, target: Target, issues: list[Issue]) -> None:
        self.target = target
        self.issues = issues
        self.gated = gated(target.version)

    def report(self, rule: RuleInfo, message: str, el: El, attr: str | None = None,
               related: tuple[Related, ...] = (), fixes: tuple[FixPlan | None, ...] = ()) -> None:
        self.issues.append(issue(rule, message, el, attr, related, fixes))

    def value_error(self, rule: RuleInfo, message: str, el: El, attr: str | None = None,
                    related: tuple[Related, ...] = (), fixes: tuple[FixPlan | None, ...] = ()) -> None:
        """The tool's `value_error` shape: `<msg> on element '<tag>'`."""
        self.report(rule, f"{message} on element '{el.tag}'", el, attr, related, fixes)

    def newer(self, parent: str, name: str) -> tuple[int, int] | None:
        return self.gated.get((parent, name)) if self.gated else None

    def attributes(self, el: El, allowed: set[str] | frozenset[str], legacy: frozenset[str] = frozenset()) -> None:
        """Unknown attributes (`check_attributes`), duplicates, and undecodable entities."""
        if el.flags & xmltree.DUPLICATES:
            first_seen: dict[str, AttrSpan] = {}
            for span in el.spans():
                first = first_seen.setdefault(span.name, span)
                if first is not span:
                    self.issues.append(Issue(codes.DUPLICATE_ATTRIBUTE, f"attribute '{span.name}' is already defined",
                                             el.anchor, span.name_start, span.value_end + 1,
                                             (attr_related(el, first, "first definition"),)))
        if el.flags & xmltree.BAD_ENTITY:
            for start, end, ref in xmltree.bad_entities(el):
                self.issues.append(Issue(codes.ENTITY, f"unknown entity reference '&{ref};'", el.anchor, start, end))
        for name in el.attrs:
            if name in legacy:
                continue
            if name not in allowed:
                self.value_error(codes.INVALID_ATTRIBUTE, f"invalid attribute '{name}'", el, name)
                continue
            since = self.gated.get((el.tag, name)) if self.gated else None
            if since is not None:
                self.value_error(codes.VERSION, f"invalid attribute '{name}'", el, name)
                self.issues[-1].message += f" (added in Microkit {since[0]}.{since[1]})"

    def required(self, el: El, name: str) -> str | None:
        value = el.attrs.get(name)  # not `el.get`: called for every attribute of a large file
        if value is None:
            self.report(codes.MISSING_ATTRIBUTE, f"Missing required attribute '{name}' on element '{el.tag}'", el)
        return value

    def number(self, el: El, name: str, required: bool = False) -> int | None:
        """`sdf_parse_number`, reporting the tool's `failed to parse integer` message."""
        text = self.required(el, name) if required else el.attrs.get(name)
        if text is None:
            return None
        value = parse_number(text)
        if isinstance(value, str):
            self.report(codes.BAD_INTEGER, f"failed to parse integer '{text}' on element '{el.tag}': {value}",
                        el, name)
            return None
        return value

    def raw(self, el: El, name: str, required: bool = True) -> int | None:
        """A decimal-only attribute; anything else is a tool panic, reported plainly."""
        text = self.required(el, name) if required else el.get(name)
        if text is None:
            return None
        value = parse_raw(text)
        if value is None:
            self.report(codes.RAW_INTEGER,
                        f"'{text}' is not a decimal integer: attribute '{name}' of element '{el.tag}' takes "
                        "plain decimal digits only (the Microkit tool panics on this value)", el, name)
        return value

    def boolean(self, el: El, name: str, default: bool) -> bool:
        text = el.attrs.get(name)
        if text is None:
            return default
        value = parse_bool(text)
        if value is None:
            self.value_error(codes.BAD_BOOL, f"{name} must be 'true' or 'false'", el, name)
            return default
        return value

    def badge_id(self, el: El, name: str = "id") -> int | None:
        """A channel/IRQ/ioport/vCPU id: decimal, 0–61."""
        value = self.raw(el, name)
        if value is None:
            return None
        if value >= 62:
            self.value_error(codes.ID_RANGE, "id must be < 62", el, name)
            return None
        if value < 0:
            self.value_error(codes.ID_RANGE, "id must be >= 0", el, name)
            return None
        return value

    def cpu(self, el: El, default: int = 0) -> int:
        value = self.number(el, "cpu")
        if value is None:
            return default
        # One shape whatever the value: above 255 the tool panics instead, but the fix is the same.
        bound = min(self.target.cores, 256)
        if value >= bound:
            self.value_error(codes.CPU_RANGE, f"cpu core must be less than {bound}, got {value}", el, "cpu")
        return value

    def budget_period(self, el: El) -> None:
        budget = self.number(el, "budget")
        period = self.number(el, "period")
        if budget is None and el.get("budget") is not None:
            return
        if period is None and el.get("period") is not None:
            return
        budget = 1000 if budget is None else budget
        period = budget if period is None else period
        if budget > period:
            self.value_error(codes.PD_BUDGET, f"budget ({budget}) must be less than, or equal to, period ({period})",
                             el, "budget" if "budget" in el.attrs else "period")

    def setvar(self, symbols: dict[str, tuple[El, str]], el: El, attr: str) -> None:
        """Register a symbol in a PD's setvar namespace, reporting a duplicate."""
        symbol = el.attrs.get(attr)
        if symbol is None:
            return
        first = symbols.get(symbol)
        if first is not None:
            self.value_error(codes.DUPLICATE_SETVAR, f"setvar on symbol '{symbol}' already exists", el, attr,
                             (related_to(first[0], first[1], f"'{symbol}' first set here"),))
            return
        symbols[symbol] = (el, attr)
