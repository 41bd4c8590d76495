"""The Python face of the native decoder: `drvls.drv.reader` over `drvls._drvnative`.

Checked against the independent reference decoder (tests/drv_reference/ref_decoder.py): valid
files decode to the same rule model, invalid ones are rejected at the same byte offset.
"""

from __future__ import annotations

import os
import random
import struct
from pathlib import Path
from types import ModuleType

import pytest
from drvls.drv.encoder import encode, encode_v1
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
from drvls.drv.reader import DrvError, open_bytes, open_drv, read_ruleset
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from native_support import REGRESSIONS, derived_dir

pytestmark = pytest.mark.usefixtures("native")

# The reference decoder's error names, mapped to the names of docs/drv-format.md §5.
REF_CODES = {
    "MAGIC": {"BAD_MAGIC"}, "VERSION": {"BAD_VERSION"}, "HEADER": {"BAD_HEADER", "BAD_LENGTH"},
    "FLAGS": {"UNKNOWN_FLAG"}, "SECTION_TABLE": {"BAD_TABLE"}, "SECTION_BOUNDS": {"MISALIGNED", "OUT_OF_BOUNDS"},
    "SECTION_OVERLAP": {"OVERLAP"}, "SECTION_DUPLICATE": {"DUPLICATE_SECTION", "BAD_V1_SECTION"},
    "SECTION_UNKNOWN": {"UNKNOWN_REQUIRED_SECTION", "BAD_V1_SECTION"},
    "SECTION_MISSING": {"MISSING_SECTION", "BAD_V1_SECTION"}, "PADDING": {"NONZERO_PADDING", "NONZERO_RESERVED"},
    "STRINGS": {"BAD_SECTION_SIZE", "BAD_STRING_OFFSETS"}, "UTF8": {"BAD_UTF8"},
    "STRING_REF": {"BAD_REF", "BAD_LIST"}, "SIGNATURE": {"BAD_SECTION_SIZE"},
    "RECORD": {"BAD_SECTION_SIZE", "BAD_LIST", "BAD_KIND", "BAD_CATEGORY", "BAD_STEPS"},
    "DIGEST": {"DIGEST_MISMATCH"},
}


def same_code(ref_code: str, mine: str) -> bool:
    return ref_code == mine or mine in REF_CODES.get(ref_code, set())


def sample() -> RuleSet:
    return RuleSet(
        sources=["CLAUDE.md", ".cursorrules"],
        rules=[
            Persona("Architect", "Senior architect", "Architect", None, ["calm"], [], source=SourceRef("CLAUDE.md", 2)),
            Standard(Category.NAMING, 0, "Use snake_case", "CLAUDE.md", source=SourceRef("CLAUDE.md", 7)),
            Context([], [], ["only focus"], [("serde", "1")]),
            Workflow("TDD", [WorkflowStep("Red", "fail first", None, ["cargo test"])],
                     source=SourceRef(".cursorrules", 4)),
            Workflow("empty", []),
            Raw("Ünïcode 🙂", source=SourceRef(".cursorrules", 9)),
        ],
    )


def test_round_trip_through_native_reader() -> None:
    rules = sample()
    assert read_ruleset(encode(rules)) == rules


def test_open_path_maps_the_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.drv"
    path.write_bytes(encode(sample()))
    with open_drv(path, verify=True) as drv:
        assert drv.version == 2
        assert drv.rule_count == 6
        assert drv.sources() == ["CLAUDE.md", ".cursorrules"]
        assert drv.counts() == {"persona": 1, "standard": 1, "context": 1, "workflow": 2, "raw": 1}
        slot = drv.signature_slot()
        assert slot is not None and slot[1] == 128 and slot[0] + 128 == drv.length
        assert drv.digest() == drv.stored_digest() and len(drv.digest()) == 32


def test_lazy_rules_create_strings_on_access() -> None:
    drv = open_bytes(encode(sample()))
    views = list(drv.rules())
    assert [v.kind for v in views] == [1, 2, 3, 4, 4, 5]
    assert views[0].name == "Architect" and views[0].identity == "Architect" and views[0].style is None
    assert views[1].pattern == "CLAUDE.md" and views[1].line == 7 and views[1].source_file == "CLAUDE.md"
    assert views[2].dependencies == [("serde", "1")] and views[2].line is None
    assert views[3].steps == [("Red", "fail first", None, ["cargo test"])]
    assert views[5].content == "Ünïcode 🙂" and views[5].name is None
    drv.close()
    with pytest.raises(ValueError, match="closed"):
        _ = views[0].name


def test_empty_file_is_truncated(tmp_path: Path) -> None:
    path = tmp_path / "empty.drv"
    path.write_bytes(b"")
    with pytest.raises(DrvError) as info:
        open_drv(path)
    assert (info.value.code, info.value.offset) == ("TRUNCATED", 0)


def test_errors_carry_code_offset_message() -> None:
    data = bytearray(encode(sample()))
    data[8] = 1  # a must-understand header flag
    with pytest.raises(DrvError) as info:
        open_bytes(bytes(data))
    assert info.value.code == "UNKNOWN_FLAG"
    assert info.value.offset == 8
    assert "must-understand" in info.value.message
    assert str(info.value).startswith("at byte 0x8: ")


def test_decreasing_string_offset_is_found_at_every_position() -> None:
    """The offsets check runs four entries at a time: a fault in any lane, or in the tail, is found."""
    data = encode(RuleSet(rules=[Raw(f"rule {i}") for i in range(15)]))
    strings_at = struct.unpack_from("<Q", data, 64 + 8)[0]
    count = struct.unpack_from("<I", data, strings_at)[0]
    assert count == 15  # lanes 1-12 in steps of four, then a tail of 13-15
    # offsets[0] must be 0 and offsets[count] sets the section size: both are checked earlier
    for i in range(2, count):
        entry = strings_at + 8 + 4 * i
        bad = bytearray(data)
        struct.pack_into("<I", bad, entry, struct.unpack_from("<I", data, entry - 4)[0] - 1)
        for shift in (0, 1):  # an 8-aligned base, and one that is not
            buffer = bytearray(shift) + bad
            with pytest.raises(DrvError) as info:
                open_bytes(memoryview(buffer)[shift:])
            assert (info.value.code, info.value.offset) == ("BAD_STRING_OFFSETS", entry), (i, shift)


def test_digest_mismatch_is_reported_after_structure() -> None:
    data = bytearray(encode(sample()))
    data[data.index(b"Architect")] ^= 0x01  # a string byte: still valid structure, wrong digest
    drv = open_bytes(bytes(data))
    assert not drv.digest_ok()
    with pytest.raises(DrvError) as info:
        drv.verify()
    assert (info.value.code, info.value.offset) == ("DIGEST_MISMATCH", 32)
    drv.close()


def test_signing_does_not_change_the_digest() -> None:
    data = bytearray(encode(sample()))
    before = open_bytes(bytes(data))
    offset, length = before.signature_slot() or (0, 0)
    digest = before.digest()
    before.close()
    data[offset:offset + length] = bytes(range(length))
    after = open_bytes(bytes(data))
    assert after.digest() == digest and after.digest_ok()
    after.close()


def test_v2_at_unaligned_base() -> None:
    data = encode(sample())
    for shift in range(1, 8):
        buffer = bytearray(shift) + data
        with memoryview(buffer)[shift:] as view:
            assert read_ruleset(view) == sample()


def test_v1_vectors_at_odd_addresses(corpus_v1: dict[str, bytes]) -> None:
    for shift in range(8):
        buffer = bytearray(shift) + corpus_v1["example.drv"]
        with memoryview(buffer)[shift:] as view:
            rules = read_ruleset(view).rules
        assert [type(r).__name__ for r in rules] == ["Persona", "Standard", "Standard", "Context", "Workflow"]


def test_v1_example_matches_readme(corpus_v1: dict[str, bytes]) -> None:
    """The expected decode written in ../shared/corpus/drv/derived/README.md."""
    rules = read_ruleset(corpus_v1["example.drv"])
    assert rules.sources == []
    assert rules.rules == [
        Persona("Architect", "Senior system architect", None, None, ["Analytical"], ["Simplicity first"]),
        Standard(Category.NAMING, 0, "Use snake_case for functions", None),
        Standard(Category.STYLE, 1, "Use rustfmt", "cargo fmt"),
        Context(["src/**"], ["target/**"], [], []),
        Workflow("TDD", [WorkflowStep("Red", "Write a failing test", None, ["cargo test"])]),
    ]
    assert read_ruleset(corpus_v1["empty.drv"]) == RuleSet()


def test_v1_checksum_is_checked_first(corpus_v1: dict[str, bytes]) -> None:
    data = bytearray(corpus_v1["example.drv"])
    data[12] ^= 0xFF
    with pytest.raises(DrvError) as info:
        read_ruleset(bytes(data))
    assert (info.value.code, info.value.offset) == ("DIGEST_MISMATCH", 12)
    assert read_ruleset(bytes(data), verify=False).rules  # the structure itself is fine


def test_upstream_64_gib_file_is_a_clean_error() -> None:
    """Spec §8 B5: 21 bytes whose string count asks upstream for ~64 GiB."""
    body = b"\x01\xff\xff\xff\xff"
    import blake3

    data = b"DRV\x00\x01\x00\x00\x00\x01\x00\x00\x00" + blake3.blake3(body).digest()[:4] + body
    assert len(data) == 21
    with pytest.raises(DrvError) as info:
        read_ruleset(data)
    assert (info.value.code, info.value.offset) == ("TRUNCATED", 17)


@pytest.mark.parametrize(("body", "code", "offset"), [
    (b"\x01\x00\x00\x00\x00\x07", "BAD_V1_SECTION", 21),  # unknown tag
    (b"\x01\x00\x00\x00\x00\x01\x00\x00\x00\x00", "BAD_V1_SECTION", 21),  # a second string table
    (b"\x02\x00\x00\x00\x00", "BAD_V1_SECTION", 16),  # no string table first
    (b"\x01\x01\x00\x00\x00\x02\x00\xff\xfe", "BAD_UTF8", 23),
    (b"\x01\x00\x00\x00\x00\x03\x01\x00\x00\x00\x00\x00\x05\x00\x00\x00\x00\x00\x00\x00", "BAD_REF", 28),
])
def test_v1_hostile_bodies(body: bytes, code: str, offset: int) -> None:
    import blake3

    data = b"DRV\x00\x01\x00\x00\x00\x01\x00\x00\x00" + blake3.blake3(body).digest()[:4] + body
    with pytest.raises(DrvError) as info:
        read_ruleset(data)
    assert (info.value.code, info.value.offset) == (code, offset)


def test_seeds_agree_with_reference(seeds_dir: Path, ref_decoder: ModuleType) -> None:
    for path in sorted(seeds_dir.glob("*.drv")):
        compare(path.read_bytes(), ref_decoder, label=path.name)


def compare(data: bytes, ref: ModuleType, label: str = "") -> None:
    """Both decoders accept with equal results, or both reject at the same offset."""
    try:
        expected = ref.decode(data, verify=False)
    except ref.RefDecodeError as exc:
        with pytest.raises(DrvError) as info:
            read_ruleset(data, verify=False)
        assert info.value.offset == exc.offset, (label, exc, info.value)
        assert same_code(exc.code, info.value.code), (label, exc.code, info.value.code)
        return
    assert read_ruleset(data, verify=False) == expected, label


def test_mutations_agree_with_reference(ref_decoder: ModuleType) -> None:
    """Random byte edits of valid v1 and v2 files: same verdict, same offset, same rules."""
    rng = random.Random(20261122)
    bases = [encode(sample()), encode_v1(sample())]
    for _ in range(int(os.environ.get("DRVLS_MUTATIONS", "3000"))):
        data = bytearray(rng.choice(bases))
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(data))
            data[at] = rng.choice([0, 1, 0xFF, rng.randrange(256), data[at] ^ (1 << rng.randrange(8))])
        compare(bytes(data), ref_decoder)


def test_truncations_agree_with_reference(ref_decoder: ModuleType) -> None:
    for base in (encode(sample()), encode_v1(sample())):
        for n in range(len(base)):
            compare(base[:n], ref_decoder, label=f"prefix {n}")


text = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
source = st.builds(SourceRef, st.none() | text, st.none() | st.integers(1, 2**32 - 1))
rule = st.one_of(
    st.builds(Persona, text, text, st.none() | text, st.none() | text, st.lists(text, max_size=3),
              st.lists(text, max_size=3), source=source),
    st.builds(Standard, st.sampled_from(list(Category)), st.integers(0, 255), text, st.none() | text, source=source),
    st.builds(Context, st.lists(text, max_size=3), st.lists(text, max_size=3), st.lists(text, max_size=3),
              st.lists(st.tuples(text, text), max_size=2), source=source),
    st.builds(Workflow, text, st.lists(st.builds(WorkflowStep, text, text, st.none() | text,
                                                 st.lists(text, max_size=2)), max_size=3), source=source),
    st.builds(Raw, text, source=source),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.builds(RuleSet, st.lists(rule, max_size=8), st.lists(text, max_size=3)))
def test_any_ruleset_round_trips(rules: RuleSet) -> None:
    data = encode(rules)
    assert read_ruleset(data) == rules
    for shift in (1, 3):
        buffer = bytearray(shift) + data
        with memoryview(buffer)[shift:] as view:
            assert read_ruleset(view) == rules


@pytest.fixture
def corpus_v1() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in derived_dir().glob("*.drv")}

def test_buffer_changed_after_validation_is_a_clean_error(native: ModuleType) -> None:
    """A writable buffer edited after validation: reads stay inside it and report the change."""
    buffer = bytearray(encode(sample()))
    drv = native.File(buffer)
    rules = list(drv.rules())
    strings = struct.unpack_from("<Q", buffer, 64 + 8)[0]
    struct.pack_into("<I", buffer, strings + 8 + 4, 0xFFFFFFF0)  # string 0 now "ends" far away
    with pytest.raises(ValueError, match="changed after it was validated"):
        drv.string(0)
    assert rules[0].traits == ["calm"]  # views taken before the change keep their checked ranges
    records = next(off for kind, _, off, _ in drv.sections() if kind == 2)
    struct.pack_into("<I", buffer, records + 8 + 28, 0xFFFFFFFF)  # persona traits: a list past the pool
    with pytest.raises(ValueError, match="changed after it was validated"):
        list(drv.rules())
    drv.close()


def test_file_cannot_be_reinitialised(native: ModuleType) -> None:
    drv = native.File(encode(sample()))
    with pytest.raises(TypeError, match="already initialised"):
        drv.__init__(encode(RuleSet()))
    drv.close()
    with pytest.raises(TypeError, match="already initialised"):
        drv.__init__(encode(RuleSet()))


def test_close_with_live_slices_keeps_them_valid(tmp_path: Path) -> None:
    path = tmp_path / "rules.drv"
    path.write_bytes(encode(sample()))
    drv = open_drv(path)
    head = drv.buffer[:4]
    drv.close()
    assert bytes(head) == b"DRV\x00"
    head.release()


def test_regression_files_are_clean_structural_errors() -> None:
    """The committed inputs that crash upstream (or once crashed us) are clean errors here."""
    files = sorted(REGRESSIONS.glob("*.drv"))
    assert files
    for path in files:
        with pytest.raises(DrvError) as info:
            read_ruleset(path.read_bytes())
        assert info.value.code not in ("DIGEST_MISMATCH", "ARGUMENT"), path.name
        assert info.value.message
