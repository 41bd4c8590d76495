"""Versioning, compatibility and validation rules of docs/drv-format.md §5 and §8, one case each.

Files are built with the encoder (`assemble_v2` for unusual section sets) and then edited; after
an edit the digest is recomputed so that the structural check under test is the one that fires.
"""

from __future__ import annotations

import struct

import blake3
import pytest
from drvls.drv.encoder import assemble_v2, encode
from drvls.drv.model import (
    Category,
    Context,
    Persona,
    Raw,
    RuleSet,
    SourceRef,
    Standard,
    Workflow,
    WorkflowStep,
)
from ref_decoder import ERROR_NUMBERS, RefDecodeError, decode

RULES = RuleSet(sources=["a.md"], rules=[
    Persona("P", "role", traits=["t"]),
    Standard(Category.SECURITY, 2, "desc", "pat", SourceRef("a.md", 4)),
    Context(includes=["src/**"], dependencies=[("n", "v")]),
    Workflow("W", [WorkflowStep("s", "d", "c", ["a"])]),
    Raw("raw"),
])
BASE = encode(RULES)


def sections(data: bytes) -> list[tuple[int, int, bytes]]:
    out = []
    for e in range(64, 64 + 24 * int.from_bytes(data[12:16], "little"), 24):
        kind, flags, off, length = struct.unpack_from("<IIQQ", data, e)
        out.append((kind, flags, data[off : off + length]))
    return out


def entry_of(data: bytes, kind: int) -> tuple[int, int, int]:
    """(table entry offset, section offset, length) of section `kind`."""
    for e in range(64, 64 + 24 * int.from_bytes(data[12:16], "little"), 24):
        k, _f, off, length = struct.unpack_from("<IIQQ", data, e)
        if k == kind:
            return e, off, length
    raise KeyError(kind)


def redigest(buf: bytearray) -> bytes:
    """Store the §6 digest for `buf` (the signature range is read from its own table)."""
    try:
        _e, off, length = entry_of(bytes(buf), 0xF0)
        parts = [buf[:32], buf[64:off], buf[off + length :]]
    except KeyError:
        parts = [buf[:32], buf[64:]]
    h = blake3.blake3()
    for p in parts:
        h.update(bytes(p))
    buf[32:64] = h.digest()
    return bytes(buf)


def edit(at: int, fmt: str, value: int, data: bytes = BASE) -> bytes:
    buf = bytearray(data)
    struct.pack_into(fmt, buf, at, value)
    return redigest(buf)


def rejects(data: bytes, code: str, offset: int | None = None) -> None:
    with pytest.raises(RefDecodeError) as info:
        decode(data)
    assert info.value.code == code, info.value
    assert code in ERROR_NUMBERS
    if offset is not None:
        assert info.value.offset == offset, info.value


def test_drvref_unknown_optional_section_is_skipped() -> None:
    extra = assemble_v2([*sections(BASE)[:4], (0x1234, 0x10000, b"anything at all"), sections(BASE)[4]])
    assert decode(extra) == RULES
    empty = assemble_v2([*sections(BASE), (0x7777, 0, b"")])
    assert decode(empty) == RULES


def test_drvref_unknown_required_section_rejects() -> None:
    data = assemble_v2([*sections(BASE), (0x1234, 1, b"x")])
    rejects(data, "UNKNOWN_REQUIRED_SECTION", 64 + 24 * 5)


def test_drvref_no_signature_section_is_valid_and_digest_covers_everything() -> None:
    unsigned = assemble_v2(sections(BASE)[:4])
    assert decode(unsigned) == RULES
    buf = bytearray(unsigned)
    at = unsigned.index(b"raw")
    buf[at + 2] = ord("x")  # still valid UTF-8: only the digest can tell
    rejects(bytes(buf), "DIGEST_MISMATCH", 32)
    buf[-1] ^= 0x80  # the last byte of the last section (no signature to exclude it)
    buf[at + 2] = ord("w")
    with pytest.raises(RefDecodeError):
        decode(bytes(buf))


def test_drvref_flags() -> None:
    assert decode(edit(8, "<I", 0x00010000)) == RULES  # informational: ignored
    rejects(edit(8, "<I", 0x1), "UNKNOWN_FLAG", 8)
    e, _o, _l = entry_of(BASE, 2)
    rejects(edit(e + 4, "<I", 0x3), "UNKNOWN_FLAG", e + 4)
    assert decode(edit(e + 4, "<I", 0x10001)) == RULES


def test_drvref_versions() -> None:
    rejects(edit(4, "<H", 3), "BAD_VERSION", 4)
    rejects(edit(4, "<H", 0xFFFF), "BAD_VERSION", 4)
    rejects(b"XRV\x00" + BASE[4:], "BAD_MAGIC", 0)
    rejects(BASE[:7], "TRUNCATED")


def test_drvref_header_and_table() -> None:
    rejects(edit(6, "<H", 72), "BAD_HEADER", 6)
    rejects(BASE + bytes(8), "BAD_LENGTH", 16)
    rejects(edit(24, "<Q", 68), "BAD_TABLE", 24)
    rejects(edit(24, "<Q", len(BASE)), "BAD_TABLE", 24)
    rejects(edit(12, "<I", 0xFFFFFFFF), "BAD_TABLE", 24)


def test_drvref_section_placement() -> None:
    e, off, _l = entry_of(BASE, 3)
    rejects(edit(e + 8, "<Q", off + 4), "MISALIGNED", e + 8)
    rejects(edit(e + 16, "<Q", 2**64 - 1), "OUT_OF_BOUNDS", e + 8)
    rejects(edit(e + 8, "<Q", 64), "OUT_OF_BOUNDS", e + 8)
    _e1, off1, _ = entry_of(BASE, 1)
    rejects(edit(e + 8, "<Q", off1), "OVERLAP")
    rejects(edit(e, "<I", 2), "DUPLICATE_SECTION", e)
    rejects(edit(e, "<Q", 0x99), "MISSING_SECTION", 12)  # type 0x99, flags 0: skipped


def test_drvref_padding_and_signature_size() -> None:
    _e, off, length = entry_of(BASE, 1)
    assert (off + length) % 8, "the example needs padding after STRINGS"
    rejects(edit(off + length, "<B", 1), "NONZERO_PADDING", off + length)
    e, _o, _l = entry_of(BASE, 0xF0)
    rejects(edit(e + 16, "<Q", 120), "BAD_SECTION_SIZE", e + 16)


def test_drvref_section_bodies() -> None:
    _e, s_off, _ = entry_of(BASE, 1)
    rejects(edit(s_off + 4, "<I", 1), "NONZERO_RESERVED", s_off + 4)
    rejects(edit(s_off, "<I", 0xFFFFFFFF), "BAD_SECTION_SIZE", s_off)
    rejects(edit(s_off + 8, "<I", 1), "BAD_STRING_OFFSETS", s_off + 8)
    _e, r_off, _ = entry_of(BASE, 2)
    rejects(edit(r_off, "<I", 6), "BAD_SECTION_SIZE", r_off)
    _e, l_off, _ = entry_of(BASE, 4)
    rejects(edit(l_off + 4, "<I", 9), "NONZERO_RESERVED", l_off + 4)


def test_drvref_bad_utf8() -> None:
    _e, s_off, _ = entry_of(BASE, 1)
    count = int.from_bytes(BASE[s_off : s_off + 4], "little")
    data_start = s_off + 8 + 4 * (count + 1)
    rejects(edit(data_start, "<B", 0xFF), "BAD_UTF8", data_start)


def test_drvref_record_fields() -> None:
    _e, r_off, _ = entry_of(BASE, 2)
    persona, standard, _context, workflow, raw = (r_off + 8 + 40 * i for i in range(5))
    rejects(edit(persona, "<B", 9), "BAD_KIND", persona)
    rejects(edit(standard + 1, "<B", 11), "BAD_CATEGORY", standard + 1)
    rejects(edit(persona + 1, "<B", 1), "NONZERO_RESERVED", persona + 1)
    rejects(edit(persona + 3, "<B", 1), "NONZERO_RESERVED", persona + 3)
    rejects(edit(persona + 12, "<I", 0xFFFFFFFF), "BAD_REF", persona + 12)
    rejects(edit(persona + 12, "<I", 1000), "BAD_REF", persona + 12)
    rejects(edit(persona + 28, "<I", 10_000), "BAD_LIST", persona + 28)
    rejects(edit(persona + 36, "<I", 1), "NONZERO_RESERVED", persona + 36)
    rejects(edit(raw + 16, "<I", 1), "NONZERO_RESERVED", raw + 16)
    rejects(edit(workflow + 20, "<I", 2), "BAD_STEPS", workflow + 16)
    rejects(edit(workflow + 16, "<I", 0xFFFFFFFF), "BAD_STEPS", workflow + 16)
    assert decode(edit(standard + 4, "<I", 0xFFFFFFFF)).rules[1] == Standard(
        Category.SECURITY, 2, "desc", "pat", SourceRef(None, 4))


def test_drvref_step_and_list_items() -> None:
    _e, st_off, _ = entry_of(BASE, 3)
    rejects(edit(st_off + 8, "<I", 0xFFFFFFFF), "BAD_REF", st_off + 8)
    assert decode(edit(st_off + 16, "<I", 0xFFFFFFFF)).rules[3] == Workflow(
        "W", [WorkflowStep("s", "d", None, ["a"])])
    _e, l_off, _ = entry_of(BASE, 4)
    # words: sources [1, 0], traits [1, t], principles [0], ...: corrupt the first traits item.
    rejects(edit(l_off + 8 + 4 * 3, "<I", 0xFFFFFFFF), "BAD_LIST", l_off + 8 + 4 * 3)
    rejects(edit(l_off + 8 + 4 * 2, "<I", 0xFFFF), "BAD_LIST")
