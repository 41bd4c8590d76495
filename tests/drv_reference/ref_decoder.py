"""A pure-Python reference decoder for `.drv` v1 and v2, written from `docs/drv-format.md` alone.

It shares no code with the encoder or its layout constants on purpose: it is the differential
oracle that the encoder and the native reader are checked against. Slow and simple beats clever.
Every rejection is a `RefDecodeError` carrying the error name of §5, the byte offset and a message.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import blake3
from drvls.drv.model import (
    Activation,
    Category,
    Context,
    Persona,
    Raw,
    Rule,
    RuleSet,
    Scope,
    SourceRef,
    Standard,
    Workflow,
    WorkflowStep,
)

NONE_REF = 0xFFFFFFFF
KNOWN_CATEGORIES = frozenset(int(c) for c in Category)

ERROR_NUMBERS = {
    "TRUNCATED": 1,
    "BAD_MAGIC": 2,
    "BAD_VERSION": 3,
    "BAD_HEADER": 4,
    "UNKNOWN_FLAG": 5,
    "BAD_LENGTH": 6,
    "BAD_TABLE": 7,
    "MISALIGNED": 8,
    "OUT_OF_BOUNDS": 9,
    "DUPLICATE_SECTION": 10,
    "UNKNOWN_REQUIRED_SECTION": 11,
    "OVERLAP": 12,
    "NONZERO_PADDING": 13,
    "MISSING_SECTION": 14,
    "BAD_SECTION_SIZE": 15,
    "NONZERO_RESERVED": 16,
    "BAD_STRING_OFFSETS": 17,
    "BAD_UTF8": 18,
    "BAD_REF": 19,
    "BAD_LIST": 20,
    "BAD_KIND": 21,
    "BAD_CATEGORY": 22,
    "BAD_STEPS": 23,
    "BAD_V1_SECTION": 24,
    "DIGEST_MISMATCH": 25,
}


class RefDecodeError(Exception):
    """The buffer is not a valid `.drv` file: `code` (a §5 name), `offset`, `message`."""

    def __init__(self, offset: int, message: str, code: str) -> None:
        super().__init__(f"{code} at {offset}: {message}")
        self.offset = offset
        self.message = message
        self.code = code


def _u16(b: bytes, at: int) -> int:
    return int.from_bytes(b[at : at + 2], "little")


def _u32(b: bytes, at: int) -> int:
    return int.from_bytes(b[at : at + 4], "little")


def _u64(b: bytes, at: int) -> int:
    return int.from_bytes(b[at : at + 8], "little")


def decode(data: bytes, *, verify: bool = True) -> RuleSet:
    """Decode a v1 or v2 file into the rule model, or raise `RefDecodeError`."""
    data = bytes(data)
    if len(data) < 8:
        raise RefDecodeError(len(data), f"file is {len(data)} bytes, too short for a header", "TRUNCATED")
    if data[:4] != b"DRV\x00":
        raise RefDecodeError(0, "not a .drv file (bad magic)", "BAD_MAGIC")
    version = _u16(data, 4)
    if version == 1:
        return _V1(data).decode(verify)
    if version == 2:
        return _V2(data).decode(verify)
    raise RefDecodeError(4, f"unsupported version {version}", "BAD_VERSION")


# ----------------------------------------------------------------------------- version 2

KNOWN_TYPES = (1, 2, 3, 4, 5, 0xF0)
# f0..f6 by kind: S string, O optional string, L list, P pair list, W step range, - unused.
SHAPES = {1: "SSOOLL-", 2: "SO-----", 3: "LLLP---", 4: "SWW----", 5: "S------"}


@dataclass
class _Section:
    kind: int
    flags: int
    offset: int
    length: int
    entry: int


class _V2:
    def __init__(self, data: bytes) -> None:
        self.b = data
        self.strings: list[str] = []
        self.words: list[int] = []
        self.pool_base = 0
        self.step_count = 0

    def decode(self, verify: bool) -> RuleSet:
        b = self.b
        if len(b) < 64:
            raise RefDecodeError(len(b), "file shorter than the 64-byte header", "TRUNCATED")
        if _u16(b, 6) != 64:
            raise RefDecodeError(6, f"header_size is {_u16(b, 6)}, expected 64", "BAD_HEADER")
        if _u32(b, 8) & 0xFFFF:
            raise RefDecodeError(8, f"unknown must-understand flags {_u32(b, 8) & 0xFFFF:#x}", "UNKNOWN_FLAG")
        if _u64(b, 16) != len(b) or len(b) % 8:
            raise RefDecodeError(16, f"file_length {_u64(b, 16)} vs buffer {len(b)}", "BAD_LENGTH")
        sections = self._table()
        self._overlap_and_padding(sections)
        known = {s.kind: s for s in sections if s.kind in KNOWN_TYPES}
        for kind in (1, 2, 3, 4):
            if kind not in known:
                raise RefDecodeError(12, f"section {kind:#06x} is missing", "MISSING_SECTION")
        sig = known.get(0xF0)
        if sig is not None and sig.length != 128:
            raise RefDecodeError(sig.entry + 16, f"signature is {sig.length} bytes, not 128", "BAD_SECTION_SIZE")
        strings, rules, steps, lists = known[1], known[2], known[3], known[4]
        count, data_start = self._strings_size(strings)
        rule_count = self._counted(rules, 40, reserved=False)
        self.step_count = self._counted(steps, 16, reserved=True)
        word_count = self._counted(lists, 4, reserved=True)
        self._string_offsets(strings, count)
        self._read_strings(strings, count, data_start)
        self.pool_base = lists.offset + 8
        self.words = [_u32(b, self.pool_base + 4 * i) for i in range(word_count)]
        step_list = [self._step(steps.offset + 8 + 16 * i) for i in range(self.step_count)]
        sources = self._list(rules.offset + 4)
        out = [self._rule(rules.offset + 8 + 40 * i, step_list) for i in range(rule_count)]
        if 5 in known:
            self._scopes(known[5], out)
        if verify:
            self._verify(sig)
        return RuleSet(rules=out, sources=sources)

    def _table(self) -> list[_Section]:
        b = self.b
        count, table = _u32(b, 12), _u64(b, 24)
        table_end = table + 24 * count
        if table % 8 or table < 64 or table_end > len(b):
            raise RefDecodeError(24, f"section table at {table} ({count} entries) does not fit", "BAD_TABLE")
        out: list[_Section] = []
        seen: set[int] = set()
        for i in range(count):
            e = table + 24 * i
            s = _Section(_u32(b, e), _u32(b, e + 4), _u64(b, e + 8), _u64(b, e + 16), e)
            if s.offset % 8:
                raise RefDecodeError(e + 8, f"section offset {s.offset} is not 8-aligned", "MISALIGNED")
            if s.offset < table_end or s.offset + s.length > len(b):
                raise RefDecodeError(e + 8, f"section at {s.offset}+{s.length} is outside the file", "OUT_OF_BOUNDS")
            if s.flags & 0xFFFE:
                raise RefDecodeError(e + 4, f"unknown section flags {s.flags:#x}", "UNKNOWN_FLAG")
            if s.kind in KNOWN_TYPES:
                if s.kind in seen:
                    raise RefDecodeError(e, f"section {s.kind:#06x} appears twice", "DUPLICATE_SECTION")
                seen.add(s.kind)
            elif s.flags & 1:
                raise RefDecodeError(e, f"unknown required section {s.kind:#x}", "UNKNOWN_REQUIRED_SECTION")
            out.append(s)
        if count > 4096 and any(a.offset > c.offset for a, c in itertools.pairwise(out)):
            raise RefDecodeError(12, "large section table not sorted by offset", "BAD_TABLE")
        return out

    def _overlap_and_padding(self, sections: list[_Section]) -> None:
        b = self.b
        ordered = [s for _, s in sorted(enumerate(sections), key=lambda p: (p[1].offset, p[0]))]
        end = 0
        for s in ordered:
            if s.offset < end:
                raise RefDecodeError(s.offset, "sections overlap", "OVERLAP")
            end = max(end, s.offset + s.length)
        table = _u64(b, 24)
        gaps = [(64, table)]
        pos = table + 24 * _u32(b, 12)
        for s in ordered:
            gaps.append((pos, s.offset))
            pos = s.offset + s.length
        gaps.append((pos, len(b)))
        for lo, hi in gaps:
            gap = b[lo:hi]
            rest = gap.lstrip(b"\x00")
            if rest:
                raise RefDecodeError(lo + len(gap) - len(rest), "padding byte is not zero", "NONZERO_PADDING")

    def _strings_size(self, s: _Section) -> tuple[int, int]:
        b, at = self.b, s.offset
        if s.length < 8:
            raise RefDecodeError(at, "string table shorter than its prelude", "BAD_SECTION_SIZE")
        count = _u32(b, at)
        if count > 0xFFFFFFFE:
            raise RefDecodeError(at, "string count is the ABSENT value", "BAD_SECTION_SIZE")
        if _u32(b, at + 4):
            raise RefDecodeError(at + 4, "reserved word is not zero", "NONZERO_RESERVED")
        index_end = 8 + 4 * (count + 1)
        if s.length < index_end:
            raise RefDecodeError(at, f"{count} strings need an index past the section", "BAD_SECTION_SIZE")
        if s.length != index_end + _u32(b, at + 8 + 4 * count):
            raise RefDecodeError(at, "string table length disagrees with its last offset", "BAD_SECTION_SIZE")
        return count, at + index_end

    def _counted(self, s: _Section, size: int, reserved: bool) -> int:
        b, at = self.b, s.offset
        if s.length < 8:
            raise RefDecodeError(at, "section shorter than its prelude", "BAD_SECTION_SIZE")
        if reserved and _u32(b, at + 4):
            raise RefDecodeError(at + 4, "reserved word is not zero", "NONZERO_RESERVED")
        count = _u32(b, at)
        if s.length != 8 + size * count:
            raise RefDecodeError(at, f"length {s.length} does not hold {count} records", "BAD_SECTION_SIZE")
        return count

    def _string_offsets(self, s: _Section, count: int) -> None:
        prev = 0
        for i in range(count + 1):
            at = s.offset + 8 + 4 * i
            off = _u32(self.b, at)
            if (i == 0 and off != 0) or off < prev:
                raise RefDecodeError(at, "string offsets are not ordered from 0", "BAD_STRING_OFFSETS")
            prev = off

    def _read_strings(self, s: _Section, count: int, data_start: int) -> None:
        b = self.b
        for i in range(count):
            lo = _u32(b, s.offset + 8 + 4 * i)
            hi = _u32(b, s.offset + 12 + 4 * i)
            try:
                self.strings.append(b[data_start + lo : data_start + hi].decode("utf-8"))
            except UnicodeDecodeError:
                raise RefDecodeError(data_start + lo, f"string {i} is not valid UTF-8", "BAD_UTF8") from None

    def _str(self, at: int, optional: bool = False) -> str | None:
        ref = _u32(self.b, at)
        if ref == NONE_REF and optional:
            return None
        if ref >= len(self.strings):
            raise RefDecodeError(at, f"string ref {ref:#x} out of range or absent", "BAD_REF")
        return self.strings[ref]

    def _req(self, at: int) -> str:
        value = self._str(at)
        assert value is not None
        return value

    def _list(self, at: int, width: int = 1) -> list[str]:
        ref = _u32(self.b, at)
        if ref >= len(self.words):
            raise RefDecodeError(at, f"list ref {ref} out of range", "BAD_LIST")
        n = self.words[ref] * width
        if ref + 1 + n > len(self.words):
            raise RefDecodeError(at, f"list at {ref} runs past the pool", "BAD_LIST")
        items: list[str] = []
        for k in range(n):
            idx = self.words[ref + 1 + k]
            if idx >= len(self.strings):
                item_at = self.pool_base + 4 * (ref + 1 + k)
                raise RefDecodeError(item_at, f"list item {idx:#x} out of range", "BAD_LIST")
            items.append(self.strings[idx])
        return items

    def _step(self, at: int) -> WorkflowStep:
        name, desc = self._req(at), self._req(at + 4)
        cond = self._str(at + 8, optional=True)
        return WorkflowStep(name=name, description=desc, condition=cond, actions=self._list(at + 12))

    def _rule(self, at: int, steps: list[WorkflowStep]) -> Rule:
        b = self.b
        kind, cat, prio = b[at], b[at + 1], b[at + 2]
        if kind not in SHAPES:
            raise RefDecodeError(at, f"unknown rule kind {kind}", "BAD_KIND")
        if b[at + 3]:
            raise RefDecodeError(at + 3, "reserved byte is not zero", "NONZERO_RESERVED")
        f = [at + 12 + 4 * k for k in range(7)]
        for k, shape in enumerate(SHAPES[kind]):
            if shape == "-" and _u32(b, f[k]):
                raise RefDecodeError(f[k], f"unused field f{k} is not zero", "NONZERO_RESERVED")
        if kind != 2 and (cat or prio):
            where = at + 1 if cat else at + 2
            raise RefDecodeError(where, "category/priority set on a non-standard rule", "NONZERO_RESERVED")
        if kind == 2 and cat not in KNOWN_CATEGORIES:
            raise RefDecodeError(at + 1, f"unknown category {cat}", "BAD_CATEGORY")
        source = SourceRef(self._str(at + 4, optional=True), _u32(b, at + 8) or None)
        if kind == 1:
            name, role = self._req(f[0]), self._req(f[1])
            ident, style = self._str(f[2], True), self._str(f[3], True)
            return Persona(name, role, ident, style, self._list(f[4]), self._list(f[5]), source=source)
        if kind == 2:
            desc, pat = self._req(f[0]), self._str(f[1], True)
            return Standard(Category(cat), prio, desc, pat, source=source)
        if kind == 3:
            inc, exc, foc = self._list(f[0]), self._list(f[1]), self._list(f[2])
            flat = self._list(f[3], width=2)
            deps = [(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)]
            return Context(inc, exc, foc, deps, source=source)
        if kind == 4:
            name = self._req(f[0])
            first, n = _u32(b, f[1]), _u32(b, f[2])
            if first + n > self.step_count:
                raise RefDecodeError(f[1], f"steps {first}+{n} past {self.step_count}", "BAD_STEPS")
            return Workflow(name, [_copy_step(s) for s in steps[first : first + n]], source=source)
        return Raw(self._req(f[0]), source=source)

    def _scopes(self, s: _Section, rules: list[Rule]) -> None:
        """§4.6: scope records, then one scope index (or ABSENT) per rule."""
        b, at = self.b, s.offset
        if s.length < 8:
            raise RefDecodeError(at, "SCOPES shorter than its prelude", "BAD_SECTION_SIZE")
        count = _u32(b, at)
        if _u32(b, at + 4):
            raise RefDecodeError(at + 4, "reserved word is not zero", "NONZERO_RESERVED")
        if s.length != 8 + 16 * count + 4 * len(rules):
            raise RefDecodeError(at, f"length {s.length} does not hold {count} scopes", "BAD_SECTION_SIZE")
        scopes: list[Scope] = []
        for i in range(count):
            rec = at + 8 + 16 * i
            name, desc = self._req(rec), self._str(rec + 4, optional=True)
            globs = self._list(rec + 8)
            if b[rec + 12] > 3:
                raise RefDecodeError(rec + 12, f"unknown activation {b[rec + 12]}", "BAD_KIND")
            for k in range(13, 16):
                if b[rec + k]:
                    raise RefDecodeError(rec + k, "reserved byte is not zero", "NONZERO_RESERVED")
            scopes.append(Scope(name, Activation(b[rec + 12]), tuple(globs), desc))
        base = at + 8 + 16 * count
        for i, rule in enumerate(rules):
            index = _u32(b, base + 4 * i)
            if index == NONE_REF:
                continue
            if index >= count:
                raise RefDecodeError(base + 4 * i, f"scope index {index} out of range", "BAD_REF")
            rule.scope = scopes[index]

    def _verify(self, sig: _Section | None) -> None:
        b = self.b
        h = blake3.blake3(b[:32])
        if sig is None:
            h.update(b[64:])
        else:
            h.update(b[64 : sig.offset])
            h.update(b[sig.offset + sig.length :])
        if h.digest() != b[32:64]:
            raise RefDecodeError(32, "digest mismatch", "DIGEST_MISMATCH")


def _copy_step(s: WorkflowStep) -> WorkflowStep:
    return WorkflowStep(s.name, s.description, s.condition, list(s.actions))


# ----------------------------------------------------------------------------- version 1


class _V1:
    """Upstream's byte-packed layout: tagged sections, index 0 = absent in optional fields."""

    def __init__(self, data: bytes) -> None:
        self.b = data
        self.pos = 16
        self.strings: list[str] = []

    def need(self, n: int) -> int:
        at = self.pos
        if at + n > len(self.b):
            raise RefDecodeError(at, f"needs {n} bytes, file ends at {len(self.b)}", "TRUNCATED")
        self.pos += n
        return at

    def u8(self) -> int:
        return self.b[self.need(1)]

    def u16(self) -> int:
        return _u16(self.b, self.need(2))

    def u32(self) -> int:
        return _u32(self.b, self.need(4))

    def ref(self, optional: bool) -> str | None:
        at = self.pos
        idx = self.u32()
        if optional and idx == 0:
            return None
        if idx >= len(self.strings):
            raise RefDecodeError(at, f"string index {idx} out of range", "BAD_REF")
        return self.strings[idx]

    def s(self) -> str:
        value = self.ref(False)
        assert value is not None
        return value

    def opt(self) -> str | None:
        return self.ref(True)

    def slist(self) -> list[str]:
        n = self.u16()
        return [self.s() for _ in range(n)]

    def decode(self, verify: bool) -> RuleSet:
        b = self.b
        if len(b) < 16:
            raise RefDecodeError(len(b), "file shorter than the 16-byte v1 header", "TRUNCATED")
        if verify and blake3.blake3(b[16:]).digest()[:4] != b[12:16]:
            raise RefDecodeError(12, "checksum mismatch", "DIGEST_MISMATCH")
        if len(b) == 16:
            raise RefDecodeError(16, "no string table", "TRUNCATED")
        if b[16] != 1:
            raise RefDecodeError(16, f"expected string table tag 0x01, got {b[16]:#04x}", "BAD_V1_SECTION")
        self.pos = 17
        count = self.u32()
        if count > (len(b) - self.pos) // 2:
            raise RefDecodeError(17, f"{count} strings cannot fit", "TRUNCATED")
        for _ in range(count):
            prefix = self.pos
            n = self.u16()
            if self.pos + n > len(b):
                raise RefDecodeError(prefix, f"string of {n} bytes runs past the end", "TRUNCATED")
            at = self.need(n)
            try:
                self.strings.append(b[at : at + n].decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise RefDecodeError(at + exc.start, "string is not valid UTF-8", "BAD_UTF8") from None
        rules: list[Rule] = []
        while self.pos < len(b):
            self._section(rules)
        return RuleSet(rules=rules, sources=[])

    def _section(self, rules: list[Rule]) -> None:
        tag_at = self.pos
        tag = self.u8()
        if tag == 2:
            name, role, ident, style = self.s(), self.s(), self.opt(), self.opt()
            rules.append(Persona(name, role, ident, style, self.slist(), self.slist()))
        elif tag == 3:
            k_at = self.pos
            k = self.u32()
            if k > (len(self.b) - self.pos) // 10:
                raise RefDecodeError(k_at, f"{k} standards cannot fit", "TRUNCATED")
            for _ in range(k):
                cat, prio = self.u8(), self.u8()
                category = Category(cat) if cat in KNOWN_CATEGORIES else Category.OTHER
                desc, pat = self.s(), self.opt()
                rules.append(Standard(category, prio, desc, pat))
        elif tag == 4:
            inc, exc, foc = self.slist(), self.slist(), self.slist()
            n = self.u16()
            deps = [(self.s(), self.s()) for _ in range(n)]
            rules.append(Context(inc, exc, foc, deps))
        elif tag == 5:
            name = self.s()
            steps = []
            for _ in range(self.u16()):
                sname, sdesc, cond = self.s(), self.s(), self.opt()
                steps.append(WorkflowStep(sname, sdesc, cond, self.slist()))
            rules.append(Workflow(name, steps))
        elif tag == 1:
            raise RefDecodeError(tag_at, "second string table", "BAD_V1_SECTION")
        else:
            raise RefDecodeError(tag_at, f"unknown section tag {tag:#04x}", "BAD_V1_SECTION")
