"""Rule set → `.drv` bytes: the version 2 writer, and upstream's lossy version 1 layout.

`encode` follows `docs/drv-format.md` §7 exactly, so identical input gives identical bytes. It
refuses only what the format cannot hold; nothing is truncated or wrapped. `encode_v1`
reproduces upstream's encoder byte for byte, defects included, to build version 1 inputs.
"""

from __future__ import annotations

import struct
import sys
from array import array
from collections.abc import Iterable, Sequence

import blake3

from drvls.drv import layout as L
from drvls.drv.model import (
    Activation,
    Category,
    Context,
    Persona,
    Raw,
    Rule,
    RuleSet,
    SourceRef,
    Standard,
    Workflow,
)


class EncodeError(ValueError):
    """A rule set that the format cannot represent (the message says which value and why)."""


def _u32_bytes(words: array[int]) -> bytes:
    """Little-endian bytes of a u32 array on any host."""
    if sys.byteorder == "big":
        words = array("I", words)
        words.byteswap()
    return words.tobytes()


def _new_u32_array() -> array[int]:
    words = array("I")
    if words.itemsize != 4:  # pragma: no cover - every supported platform has a 4-byte "I"
        words = array("L")
    return words


class _Strings:
    """String interning in first-seen order (§7.1), with the total size kept in range."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.encoded: list[bytes] = []
        self.size = 0

    def ref(self, text: str) -> int:
        found = self.index.get(text)
        if found is not None:
            return found
        if not isinstance(text, str):
            raise EncodeError(f"expected a string, got {type(text).__name__}")
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise EncodeError(f"string is not encodable as UTF-8: {exc.reason} in {text[:40]!r}") from None
        if len(self.encoded) >= L.MAX_STRINGS:
            raise EncodeError(f"more than {L.MAX_STRINGS} distinct strings")
        if self.size + len(data) > L.MAX_U32:
            raise EncodeError(f"string data exceeds {L.MAX_U32} bytes")
        idx = len(self.encoded)
        self.index[text] = idx
        self.encoded.append(data)
        self.size += len(data)
        return idx

    def optional(self, text: str | None) -> int:
        return L.ABSENT if text is None else self.ref(text)

    def body(self) -> bytes:
        offsets = _new_u32_array()
        pos = 0
        offsets.append(0)
        for data in self.encoded:
            pos += len(data)
            offsets.append(pos)
        prelude = L.PRELUDE_STRUCT.pack(len(self.encoded), 0)
        return b"".join([prelude, _u32_bytes(offsets), *self.encoded])


class _Pool:
    """The LISTS word pool: each list is its count followed by its items (§4.4)."""

    def __init__(self) -> None:
        self.words = _new_u32_array()

    def add(self, items: Sequence[int], pairs: bool = False) -> int:
        ref = len(self.words)
        count = len(items) // 2 if pairs else len(items)
        if ref + 1 + len(items) > L.MAX_U32:
            raise EncodeError(f"list pool exceeds {L.MAX_U32} words")
        self.words.append(count)
        self.words.extend(items)
        return ref

    def body(self) -> bytes:
        return L.PRELUDE_STRUCT.pack(len(self.words), 0) + _u32_bytes(self.words)


def _check_u32_count(what: str, n: int) -> None:
    if n > L.MAX_U32:
        raise EncodeError(f"too many {what}: {n} (at most {L.MAX_U32})")


def _source_fields(strings: _Strings, source: SourceRef) -> tuple[int, int]:
    file_ref = strings.optional(source.file)
    line = source.line
    if line is None:
        return file_ref, 0
    if isinstance(line, bool) or not isinstance(line, int) or not 1 <= line <= L.MAX_U32:
        raise EncodeError(f"source line {line!r} is outside 1..{L.MAX_U32} (use None for unknown)")
    return file_ref, line


def _category_byte(category: int) -> int:
    try:
        return int(Category(category))
    except ValueError:
        raise EncodeError(f"unknown standard category {category!r}") from None


def _priority_byte(priority: int) -> int:
    if isinstance(priority, bool) or not isinstance(priority, int) or not 0 <= priority <= 0xFF:
        raise EncodeError(f"priority {priority!r} is outside 0..255")
    return priority


class _Writer:
    """One pass over the rule set, interning strings and filling the pool, steps and records."""

    def __init__(self) -> None:
        self.strings = _Strings()
        self.pool = _Pool()
        self.steps = bytearray()
        self.step_count = 0
        self.records = bytearray()

    def string_list(self, items: Iterable[str]) -> int:
        return self.pool.add([self.strings.ref(s) for s in items])

    def record(self, kind: int, source: SourceRef, fields: Sequence[int], cat: int = 0, prio: int = 0) -> None:
        file_ref, line = _source_fields(self.strings, source)
        padded = list(fields) + [0] * (L.RULE_FIELDS - len(fields))
        self.records += L.RULE_RECORD_STRUCT.pack(kind, cat, prio, 0, file_ref, line, *padded)

    def rule(self, rule: Rule) -> None:
        s = self.strings
        if isinstance(rule, Persona):
            self._source_first(rule.source)
            f = [s.ref(rule.name), s.ref(rule.role), s.optional(rule.identity), s.optional(rule.style)]
            f += [self.string_list(rule.traits), self.string_list(rule.principles)]
            self.record(rule.kind, rule.source, f)
        elif isinstance(rule, Standard):
            self._source_first(rule.source)
            cat, prio = _category_byte(rule.category), _priority_byte(rule.priority)
            f = [s.ref(rule.description), s.optional(rule.pattern)]
            self.record(rule.kind, rule.source, f, cat, prio)
        elif isinstance(rule, Context):
            self._source_first(rule.source)
            f = [self.string_list(rule.includes), self.string_list(rule.excludes), self.string_list(rule.focus)]
            pairs = [s.ref(x) for dep in rule.dependencies for x in (dep[0], dep[1])]
            f.append(self.pool.add(pairs, pairs=True))
            self.record(rule.kind, rule.source, f)
        elif isinstance(rule, Workflow):
            self._source_first(rule.source)
            name, first = s.ref(rule.name), self.step_count
            for step in rule.steps:
                fields = (s.ref(step.name), s.ref(step.description), s.optional(step.condition))
                self.steps += L.STEP_RECORD_STRUCT.pack(*fields, self.string_list(step.actions))
                self.step_count += 1
            _check_u32_count("workflow steps", self.step_count)
            self.record(rule.kind, rule.source, [name, first, len(rule.steps)])
        elif isinstance(rule, Raw):
            self._source_first(rule.source)
            self.record(rule.kind, rule.source, [s.ref(rule.content)])
        else:
            raise EncodeError(f"not a rule: {type(rule).__name__}")

    def _source_first(self, source: SourceRef) -> None:
        """Intern the source file before the rule's fields (§7.1)."""
        if source.file is not None:
            self.strings.ref(source.file)


def digest_v2(buf: bytes | bytearray, signature: tuple[int, int] | None) -> bytes:
    """BLAKE3-256 over the file minus the digest field and the SIGNATURE body (§6), given that
    section's (offset, length) or None; hashed in place, without copying."""
    view = memoryview(buf)
    hasher = blake3.blake3()
    hasher.update(view[: L.DIGEST_OFFSET])
    if signature is None:
        hasher.update(view[L.HEADER_SIZE :])
    else:
        start, length = signature
        hasher.update(view[L.HEADER_SIZE : start])
        hasher.update(view[start + length :])
    return hasher.digest()


def _scopes_body(w: _Writer, ruleset: RuleSet) -> bytes:
    """The SCOPES section (§4.6): scope records, then one scope index per rule. Its strings and
    glob lists come after everything the rules use, so unscoped files keep their 2.0 bytes."""
    scopes = ruleset.scopes()
    index = {scope: i for i, scope in enumerate(scopes)}
    records = bytearray()
    for scope in scopes:
        name, description = w.strings.ref(scope.name), w.strings.optional(scope.description)
        globs = w.string_list(scope.globs)
        try:
            activation = int(Activation(scope.activation))
        except ValueError:
            raise EncodeError(f"unknown scope activation {scope.activation!r}") from None
        records += L.SCOPE_RECORD_STRUCT.pack(name, description, globs, activation)
    rule_scopes = _new_u32_array()
    rule_scopes.extend(L.ABSENT if rule.scope is None else index[rule.scope] for rule in ruleset.rules)
    return L.PRELUDE_STRUCT.pack(len(scopes), 0) + bytes(records) + _u32_bytes(rule_scopes)


def encode(ruleset: RuleSet) -> bytes:
    """Encode `ruleset` as a version 2 `.drv` file with a zeroed SIGNATURE section; a SCOPES
    section (required) is added only when some rule has a scope."""
    w = _Writer()
    sources_ref = w.string_list(ruleset.sources)
    for rule in ruleset.rules:
        w.rule(rule)
    rule_count = len(ruleset.rules)
    _check_u32_count("rules", rule_count)
    scoped = any(rule.scope is not None for rule in ruleset.rules)
    scopes = _scopes_body(w, ruleset) if scoped else b""
    bodies = [
        (L.SECTION_STRINGS, L.SECTION_FLAG_REQUIRED, w.strings.body()),
        (L.SECTION_RULES, L.SECTION_FLAG_REQUIRED, L.PRELUDE_STRUCT.pack(rule_count, sources_ref) + w.records),
        (L.SECTION_STEPS, L.SECTION_FLAG_REQUIRED, L.PRELUDE_STRUCT.pack(w.step_count, 0) + w.steps),
        (L.SECTION_LISTS, L.SECTION_FLAG_REQUIRED, w.pool.body()),
    ]
    if scoped:
        bodies.append((L.SECTION_SCOPES, L.SECTION_FLAG_REQUIRED, scopes))
    bodies.append((L.SECTION_SIGNATURE, 0, bytes(L.SIGNATURE_SIZE)))
    return assemble_v2(bodies)


def assemble_v2(bodies: Sequence[tuple[int, int, bytes | bytearray]]) -> bytes:
    """A v2 file from (type, flags, body) sections, laid out as §3 says, with its digest.

    `encode` uses it for the five known sections; tools and tests use it to build files with
    extra or missing sections that are otherwise well-formed.
    """
    table_end = L.HEADER_SIZE + L.SECTION_ENTRY_SIZE * len(bodies)
    placed: list[tuple[int, int, int, bytes | bytearray]] = []
    pos = L.align8(table_end)
    for stype, flags, body in bodies:
        placed.append((stype, flags, pos, body))
        pos = L.align8(pos + len(body))
    buf = bytearray(pos)
    L.HEADER_STRUCT.pack_into(
        buf, 0, L.MAGIC, L.VERSION_2, L.HEADER_SIZE, 0, len(bodies), pos, L.HEADER_SIZE, bytes(L.DIGEST_SIZE)
    )
    signature: tuple[int, int] | None = None
    for i, (stype, flags, offset, body) in enumerate(placed):
        L.SECTION_ENTRY_STRUCT.pack_into(
            buf, L.HEADER_SIZE + i * L.SECTION_ENTRY_SIZE, stype, flags, offset, len(body)
        )
        buf[offset : offset + len(body)] = body
        if stype == L.SECTION_SIGNATURE:
            signature = (offset, len(body))
    buf[L.DIGEST_OFFSET : L.DIGEST_OFFSET + L.DIGEST_SIZE] = digest_v2(buf, signature)
    return bytes(buf)


# ---------------------------------------------------------------------------------------------
# Version 1: upstream `DrvEncoder::encode`, reproduced with its losses (spec §1.9).


class _V1Strings:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.order: list[bytes] = []

    def ref(self, text: str) -> int:
        found = self.index.get(text)
        if found is None:
            data = text.encode("utf-8")
            if len(data) > L.V1_MAX_STRING:
                raise EncodeError(f"String too long: {len(data)} bytes")
            found = self.index[text] = len(self.order)
            self.order.append(data)
        return found

    def optional(self, text: str | None) -> int:
        return 0 if text is None else self.ref(text)


def _v1_list(strings: _V1Strings, items: Sequence[str]) -> bytes:
    """A u16 count (wrapped like upstream's `as u16`) followed by u32 string indices."""
    refs = [strings.ref(x) for x in items]
    return struct.pack(f"<H{len(refs)}I", len(refs) & 0xFFFF, *refs)


def encode_v1(ruleset: RuleSet) -> bytes:
    """Upstream's version 1 bytes for `ruleset`, losses included.

    Only the last persona, context and workflow survive; a context without includes or
    excludes is dropped; raw rules become `Standard(OTHER, 100)`; dependencies, sources and
    lines are not stored; list counts wrap at 65,536. For building test inputs only.
    """
    strings = _V1Strings()
    persona = standards = context = workflow = None
    entries: list[bytes] = []
    for rule in ruleset.rules:
        if isinstance(rule, Persona):
            head = struct.pack(
                "<4I",
                strings.ref(rule.name),
                strings.ref(rule.role),
                strings.optional(rule.identity),
                strings.optional(rule.style),
            )
            persona = head + _v1_list(strings, rule.traits) + _v1_list(strings, rule.principles)
        elif isinstance(rule, Standard):
            desc, pat = strings.ref(rule.description), strings.optional(rule.pattern)
            cat, prio = _category_byte(rule.category), _priority_byte(rule.priority)
            entries.append(struct.pack("<BBII", cat, prio, desc, pat))
        elif isinstance(rule, Raw):
            desc = strings.ref(rule.content)
            entries.append(struct.pack("<BBII", int(Category.OTHER), L.V1_RAW_PRIORITY, desc, 0))
        elif isinstance(rule, Context):
            lists = [_v1_list(strings, items) for items in (rule.includes, rule.excludes, rule.focus)]
            keep = bool(rule.includes or rule.excludes)
            context = b"".join([*lists, struct.pack("<H", 0)]) if keep else None
        elif isinstance(rule, Workflow):
            body = bytearray(struct.pack("<IH", strings.ref(rule.name), len(rule.steps) & 0xFFFF))
            for step in rule.steps:
                body += struct.pack(
                    "<3I",
                    strings.ref(step.name),
                    strings.ref(step.description),
                    strings.optional(step.condition),
                )
                body += _v1_list(strings, step.actions)
            workflow = bytes(body)
        else:
            raise EncodeError(f"not a rule: {type(rule).__name__}")
    if entries:
        standards = struct.pack("<I", len(entries) & L.MAX_U32) + b"".join(entries)
    table = bytearray(struct.pack("<BI", L.V1_TAG_STRINGS, len(strings.order)))
    for data in strings.order:
        table += struct.pack("<H", len(data)) + data
    sections: list[bytes | bytearray] = [table]
    tagged = [
        (L.V1_TAG_PERSONA, persona),
        (L.V1_TAG_STANDARDS, standards),
        (L.V1_TAG_CONTEXT, context),
        (L.V1_TAG_WORKFLOW, workflow),
    ]
    sections += [bytes([tag]) + body for tag, body in tagged if body is not None]
    payload = b"".join(sections)
    checksum = blake3.blake3(payload).digest()[:4]
    header = L.V1_HEADER_STRUCT.pack(L.MAGIC, L.VERSION_1, 0, len(sections), checksum)
    return header + payload
