"""A readable view of a `.drv` file with its metadata, as Markdown or JSON.

Used by `drvls preview` and by the language server's preview document. A file whose digest does
not match is still shown (with the mismatch said plainly); a structurally invalid one is not.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from drvls.drv.model import Context, Persona, Raw, Rule, RuleKind, RuleSet, SourceRef, Standard, Workflow

FORMATS = ("md", "json")


class PreviewError(Exception):
    """Not a `.drv` file that can be shown (structure invalid, decoder missing)."""


@dataclass
class Signature:
    state: str  # "unsigned", "signed", "stale", "invalid", "none" (no slot: version 1)
    key_id: str | None = None
    reason: str = ""
    # False when the slot names a key but the signature could not be checked against it (file changed).
    key_verified: bool = True

    def describe(self) -> str:
        if self.state == "signed":
            return f"signed (key {self.key_id})" if self.key_id else "signed"
        if self.state == "stale":
            signer = f"key {self.key_id}" if self.key_verified else f"claims key {self.key_id}, unverified"
            return f"signed ({signer}), but the file changed after signing"
        if self.state == "invalid":
            return f"invalid: {self.reason}" if self.reason else "invalid"
        if self.state == "none":
            return "none (version 1 files have no signature section)"
        return "unsigned"


@dataclass
class Preview:
    name: str
    version: int
    digest: str  # hex of the digest computed from the bytes
    stored_digest: str
    signature: Signature
    ruleset: RuleSet
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def digest_ok(self) -> bool:
        return self.digest == self.stored_digest


def signature_state(data: bytes, slot: tuple[int, int] | None) -> Signature:
    """The signature slot's state, checked by the signing code when it is installed."""
    if slot is None:
        return Signature("none")
    body = data[slot[0]:slot[0] + slot[1]]
    if not any(body):
        return Signature("unsigned")
    try:
        from drvls.signing.drv_embedded import check_bytes
        from drvls.signing.evidence import Status
    except ModuleNotFoundError:
        return Signature("signed")
    evidence = check_bytes(data)
    if evidence is None:
        return Signature("unsigned")
    if evidence.status is Status.VALID:
        return Signature("signed", evidence.key_id, evidence.reason)
    if evidence.status is Status.STALE:
        return Signature("stale", evidence.key_id, evidence.reason, evidence.key_verified)
    return Signature("invalid", evidence.key_id, evidence.reason)


def count_kinds(ruleset: RuleSet) -> dict[str, int]:
    counts = {kind.name.lower(): 0 for kind in RuleKind}
    for rule in ruleset.rules:
        counts[rule.kind.name.lower()] += 1
    return counts


def build_preview(data: bytes, name: str) -> Preview:
    """Read and describe a `.drv` file's bytes; PreviewError when they are not a valid `.drv`."""
    from drvls.drv.reader import DrvError, NativeUnavailable, open_bytes

    try:
        with open_bytes(data) as drv:
            version, slot = drv.version, drv.signature_slot()
            digest, stored = drv.digest().hex(), drv.stored_digest().hex()
            ruleset = drv.ruleset()
    except DrvError as exc:
        raise PreviewError(f"{name}: not a valid .drv file: {exc}") from None
    except NativeUnavailable as exc:
        raise PreviewError(str(exc)) from None
    return Preview(name=name, version=version, digest=digest, stored_digest=stored,
                   signature=signature_state(data, slot), ruleset=ruleset, counts=count_kinds(ruleset))


# -- JSON ------------------------------------------------------------------------------------


def rule_json(rule: Rule) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": rule.kind.name.lower(), "source": source_json(rule.source)}
    if isinstance(rule, Persona):
        out.update(name=rule.name, role=rule.role, identity=rule.identity, style=rule.style,
                   traits=rule.traits, principles=rule.principles)
    elif isinstance(rule, Standard):
        out.update(category=rule.category.name.lower(), priority=rule.priority,
                   description=rule.description, pattern=rule.pattern)
    elif isinstance(rule, Context):
        out.update(includes=rule.includes, excludes=rule.excludes, focus=rule.focus,
                   dependencies=[{"name": n, "version": v} for n, v in rule.dependencies])
    elif isinstance(rule, Workflow):
        out.update(name=rule.name, steps=[{"name": s.name, "description": s.description,
                                           "condition": s.condition, "actions": s.actions}
                                          for s in rule.steps])
    else:
        out["content"] = rule.content
    return out


def source_json(source: SourceRef) -> dict[str, Any]:
    return {"file": source.file, "line": source.line}


def to_json(preview: Preview) -> str:
    doc = {
        "file": preview.name,
        "format_version": preview.version,
        "counts": preview.counts,
        "rule_count": len(preview.ruleset.rules),
        "digest": {"computed": preview.digest, "stored": preview.stored_digest, "matches": preview.digest_ok},
        "signature": {"state": preview.signature.state, "key_id": preview.signature.key_id,
                      "key_verified": preview.signature.key_verified, "reason": preview.signature.reason},
        "sources": preview.ruleset.sources,
        "rules": [rule_json(rule) for rule in preview.ruleset.rules],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# -- Markdown --------------------------------------------------------------------------------


def where(source: SourceRef) -> str:
    if source.file is None:
        return ""
    return f" · `{source.file}:{source.line}`" if source.line is not None else f" · `{source.file}`"


def inline(text: str) -> str:
    """One-line Markdown of arbitrary text: line breaks shown as ⏎."""
    return text.replace("\r", "").replace("\n", " ⏎ ") if text else "*(empty)*"


def fenced(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}markdown\n{text}\n{fence}"


def rule_markdown(number: int, rule: Rule) -> list[str]:
    head = f"### {number}. "
    if isinstance(rule, Persona):
        lines = [f"{head}Persona: {inline(rule.name)}{where(rule.source)}", "", f"**Role:** {inline(rule.role)}"]
        if rule.identity is not None:
            lines.append(f"**Identity:** {inline(rule.identity)}")
        if rule.style is not None:
            lines.append(f"**Style:** {inline(rule.style)}")
        lines += [f"- trait: {inline(t)}" for t in rule.traits]
        lines += [f"- principle: {inline(p)}" for p in rule.principles]
    elif isinstance(rule, Standard):
        lines = [f"{head}Standard ({rule.category.name.lower().replace('_', ' ')}, priority {rule.priority})"
                 f"{where(rule.source)}", "", inline(rule.description)]
        if rule.pattern is not None:
            lines.append(f"Pattern: {inline(rule.pattern)}")
    elif isinstance(rule, Context):
        lines = [f"{head}Context{where(rule.source)}", ""]
        for label, items in (("include", rule.includes), ("exclude", rule.excludes), ("focus", rule.focus)):
            lines += [f"- {label}: {inline(item)}" for item in items]
        lines += [f"- dependency: {inline(n)} {inline(v)}" for n, v in rule.dependencies]
    elif isinstance(rule, Workflow):
        lines = [f"{head}Workflow: {inline(rule.name)}{where(rule.source)}", ""]
        for n, step in enumerate(rule.steps, start=1):
            cond = f" (when: {inline(step.condition)})" if step.condition is not None else ""
            lines.append(f"{n}. **{inline(step.name)}**: {inline(step.description)}{cond}")
            lines += [f"   - {inline(a)}" for a in step.actions]
    else:
        assert isinstance(rule, Raw)
        lines = [f"{head}Raw text{where(rule.source)}", "", fenced(rule.content)]
    return lines


def to_markdown(preview: Preview) -> str:
    counts = ", ".join(f"{n} {kind}" for kind, n in preview.counts.items())
    match = "matches" if preview.digest_ok else f"**does not match** the stored {preview.stored_digest}"
    lines = [
        f"# {preview.name}",
        "",
        "| | |",
        "|---|---|",
        f"| format version | {preview.version} |",
        f"| rules | {len(preview.ruleset.rules)} ({counts}) |",
        f"| digest | `{preview.digest}` ({match}) |",
        f"| signature | {preview.signature.describe()} |",
        f"| sources | {', '.join(f'`{s}`' for s in preview.ruleset.sources) or '(none recorded)'} |",
    ]
    for number, rule in enumerate(preview.ruleset.rules, start=1):
        lines += ["", *rule_markdown(number, rule)]
    return "\n".join(lines) + "\n"


def render(preview: Preview, fmt: str) -> str:
    return to_json(preview) if fmt == "json" else to_markdown(preview)
