"""Write the fuzzing seed corpus: small valid v1/v2 files and hostile variants of them.

Usage: python native/fuzz/make_seeds.py OUT_DIR   (needs `drvls` importable: the repo's
`server/` on PYTHONPATH, or an installed drvls). The tests call `write_seeds` directly.
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Iterator
from pathlib import Path

from drvls.drv import layout as L
from drvls.drv.encoder import encode, encode_v1
from drvls.drv.model import (
    Activation,
    Category,
    Context,
    Persona,
    Raw,
    RuleSet,
    Scope,
    SourceRef,
    Standard,
    Workflow,
    WorkflowStep,
)


def sample_ruleset() -> RuleSet:
    """One rule of every kind, optional fields both present and absent, non-ASCII text."""
    src = SourceRef("CLAUDE.md", 3)
    return RuleSet(
        sources=["CLAUDE.md", ".cursorrules"],
        rules=[
            Persona("Architect", "Senior architect", None, "terse", ["calm"], ["Simplicity first"], source=src),
            Standard(Category.NAMING, 0, "Use snake_case", None, source=SourceRef("CLAUDE.md", 7)),
            Standard(Category.OTHER, 200, "Prüfe Eingaben — immer", "*.rs"),
            Context(["src/**"], ["target/**"], ["parser"], [("serde", "1.0")], source=SourceRef(".cursorrules", 1)),
            Workflow("TDD", [WorkflowStep("Red", "Write a failing test", None, ["cargo test"]),
                             WorkflowStep("Green", "Make it pass", "tests fail", [])]),
            Raw("Be brief. 🙂", source=SourceRef(".cursorrules", 12)),
        ],
    )


def scoped_ruleset() -> RuleSet:
    """The sample with scopes of every activation (a SCOPES section), one rule left unscoped."""
    sample = sample_ruleset()
    scopes = [Scope("python", Activation.FILES, ("**/*.py", "tests/**"), "Python code"),
              Scope("core", Activation.ALWAYS), Scope("review", Activation.REQUESTED, (), "Reviews"),
              Scope("release", Activation.MANUAL)]
    for i, rule in enumerate(sample.rules[1:]):
        rule.scope = scopes[i % len(scopes)]
    return sample


def hostile_scopes(valid: bytes) -> Iterator[tuple[str, bytes]]:
    """Hostile variants of a file with a SCOPES section."""
    scopes_off = struct.unpack_from("<Q", valid, section_entry(valid, L.SECTION_SCOPES) + 8)[0]
    yield "scope-count-max", put32(valid, scopes_off, 0xFFFFFFFF)
    yield "scope-name-ref-max", put32(valid, scopes_off + 8, 0xFFFFFFFF)
    yield "scope-globs-ref-max", put32(valid, scopes_off + 16, 0xFFFFFFFF)
    yield "scope-activation-9", valid[:scopes_off + 20] + b"\x09" + valid[scopes_off + 21:]
    rule_map = scopes_off + 8 + L.SCOPE_RECORD_SIZE * struct.unpack_from("<I", valid, scopes_off)[0]
    yield "rule-scope-index-max", put32(valid, rule_map + 4, 0x7FFFFFFF)


def put32(data: bytes, at: int, value: int) -> bytes:
    return data[:at] + struct.pack("<I", value) + data[at + 4:]


def put64(data: bytes, at: int, value: int) -> bytes:
    return data[:at] + struct.pack("<Q", value) + data[at + 8:]


def section_entry(data: bytes, kind: int) -> int:
    """Byte offset of the table entry of section `kind` in a v2 file."""
    count, table = struct.unpack_from("<I", data, 12)[0], struct.unpack_from("<Q", data, 24)[0]
    for i in range(count):
        at = table + L.SECTION_ENTRY_SIZE * i
        if struct.unpack_from("<I", data, at)[0] == kind:
            return at
    raise KeyError(kind)


def first_workflow(data: bytes, rules_off: int) -> int:
    """Byte offset of the first WORKFLOW record in a v2 file."""
    for i in range(struct.unpack_from("<I", data, rules_off)[0]):
        at = rules_off + 8 + L.RULE_RECORD_SIZE * i
        if data[at] == 4:
            return at
    raise KeyError("no workflow")


def hostile_v2(valid: bytes) -> Iterator[tuple[str, bytes]]:
    """Named hostile variants of a valid v2 file (each must be rejected cleanly)."""
    strings = section_entry(valid, L.SECTION_STRINGS)
    rules = section_entry(valid, L.SECTION_RULES)
    lists = section_entry(valid, L.SECTION_LISTS)
    sig = section_entry(valid, L.SECTION_SIGNATURE)
    strings_off = struct.unpack_from("<Q", valid, strings + 8)[0]
    rules_off = struct.unpack_from("<Q", valid, rules + 8)[0]
    lists_off = struct.unpack_from("<Q", valid, lists + 8)[0]
    steps_off = struct.unpack_from("<Q", valid, section_entry(valid, L.SECTION_STEPS) + 8)[0]
    yield "section-count-max", put32(valid, 12, 0xFFFFFFFF)
    yield "string-count-max", put32(valid, strings_off, 0xFFFFFFFF)
    yield "string-count-absent-minus-one", put32(valid, strings_off, 0xFFFFFFFE)
    yield "rule-count-max", put32(valid, rules_off, 0xFFFFFFFF)
    yield "list-count-max", put32(valid, lists_off + 8, 0xFFFFFFFF)
    yield "step-count-max", put32(valid, steps_off, 0xFFFFFFFF)
    yield "word-count-max", put32(valid, lists_off, 0xFFFFFFFF)
    yield "string-offset-max", put32(valid, strings_off + 8 + 4, 0xFFFFFFFF)
    yield "workflow-step-count-max", put32(valid, first_workflow(valid, rules_off) + 20, 0xFFFFFFFF)
    yield "list-ref-max", put32(valid, rules_off + 4, 0xFFFFFFFF)
    yield "section-offset-past-end", put64(valid, strings + 8, len(valid) + 8)
    yield "section-length-wraps", put64(valid, strings + 16, 0xFFFFFFFFFFFFFFF8)
    yield "section-offset-wraps", put64(valid, sig + 8, 0xFFFFFFFFFFFFFFF8)
    yield "sections-overlap", put64(valid, rules + 8, strings_off)
    yield "table-offset-past-end", put64(valid, 24, len(valid) + 64)
    yield "file-length-lies", put64(valid, 16, len(valid) * 2)
    yield "duplicate-strings-section", put32(valid, rules, L.SECTION_STRINGS)
    yield "unknown-required-section", put32(put32(valid, sig, 0x7777), sig + 4, 1)
    yield "unknown-must-understand-flag", put32(valid, 8, 1)
    yield "first-rule-kind-9", valid[:rules_off + 8] + b"\x09" + valid[rules_off + 9:]
    yield "misaligned-section", put64(valid, rules + 8, rules_off + 4)


def hostile_v1() -> Iterator[tuple[str, bytes]]:
    """Upstream's denial-of-service and panic cases (docs/drv-format.md §9)."""
    yield "v1-64gib-strings", b"DRV\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\xff\xff\xff\xff"
    empty = b"DRV\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00"
    yield "v1-48gib-standards", empty + b"\x03\xff\xff\xff\xff"
    yield "v1-second-string-table", empty + b"\x01\x00\x00\x00\x00"
    yield "v1-unknown-tag", empty + b"\x09"
    yield "v1-truncated-persona", empty + b"\x02\x00\x00"


def write_seeds(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    rules = sample_ruleset()
    valid = encode(rules)
    files: dict[str, bytes] = {
        "v2-sample": valid,
        "v2-empty": encode(RuleSet()),
        "v1-sample": encode_v1(rules),
        "v1-empty": encode_v1(RuleSet()),
    }
    scoped = encode(scoped_ruleset())
    files["v2-scoped"] = scoped
    files.update(hostile_v2(valid))
    files.update(hostile_scopes(scoped))
    files.update(hostile_v1())
    written = []
    for name, data in files.items():
        path = out / f"{name}.drv"
        path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_seeds.py OUT_DIR")
    print(f"wrote {len(write_seeds(Path(sys.argv[1])))} seed files")
