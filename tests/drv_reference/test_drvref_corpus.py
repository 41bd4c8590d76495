"""The upstream-derived v1 vectors decode to what their README says, and `encode_v1` rebuilds them."""

from __future__ import annotations

from pathlib import Path

import blake3
import pytest
from drvls.drv.encoder import encode, encode_v1
from drvls.drv.model import (
    Category,
    Context,
    Persona,
    Raw,
    RuleSet,
    Standard,
    Workflow,
    WorkflowStep,
)
from drvref_helpers import fenced_hexdump_after
from ref_decoder import RefDecodeError, decode

README_STRINGS = [
    "Architect", "Senior system architect", "Analytical", "Simplicity first",
    "Use snake_case for functions", "Use rustfmt", "cargo fmt", "src/**", "target/**",
    "TDD", "Red", "Write a failing test", "cargo test",
]


def readme_input() -> RuleSet:
    """The README's input list, in its order."""
    return RuleSet(rules=[
        Persona("Architect", "Senior system architect", traits=["Analytical"], principles=["Simplicity first"]),
        Standard(Category.NAMING, 0, "Use snake_case for functions"),
        Standard(Category.STYLE, 1, "Use rustfmt", pattern="cargo fmt"),
        Context(includes=["src/**"], excludes=["target/**"]),
        Workflow("TDD", [WorkflowStep("Red", "Write a failing test", actions=["cargo test"])]),
    ])


def test_drvref_empty_vector(derived_dir: Path) -> None:
    data = (derived_dir / "empty.drv").read_bytes()
    assert len(data) == 21
    assert data[12:16] == bytes.fromhex("7784b17d") == blake3.blake3(data[16:]).digest()[:4]
    assert decode(data) == RuleSet()
    assert encode_v1(RuleSet()) == data


def test_drvref_example_vector_bytes_match_readme(derived_dir: Path) -> None:
    data = (derived_dir / "example.drv").read_bytes()
    readme = (derived_dir / "README.md").read_text(encoding="utf-8")
    assert fenced_hexdump_after(readme, "## example.drv") == data
    assert len(data) == 300
    assert data[8:12] == (5).to_bytes(4, "little")
    assert data[12:16] == bytes.fromhex("dbd00d75")
    assert [data[o] for o in (0x10, 0xCC, 0xE9, 0x102, 0x113)] == [1, 2, 3, 4, 5]


def test_drvref_example_vector_decodes_as_readme_says(derived_dir: Path) -> None:
    """Same rules, same order; the optional fields whose index is 0 come back absent."""
    decoded = decode((derived_dir / "example.drv").read_bytes())
    assert decoded == readme_input()
    persona = decoded.rules[0]
    assert isinstance(persona, Persona) and persona.identity is None and persona.style is None


def test_drvref_encode_v1_reproduces_example(derived_dir: Path) -> None:
    assert encode_v1(readme_input()) == (derived_dir / "example.drv").read_bytes()


def test_drvref_v1_string_table_order_is_first_seen() -> None:
    data = encode_v1(readme_input())
    pos, found = 21, []
    for _ in range(int.from_bytes(data[17:21], "little")):
        n = int.from_bytes(data[pos : pos + 2], "little")
        found.append(data[pos + 2 : pos + 2 + n].decode())
        pos += 2 + n
    assert found == README_STRINGS


def test_drvref_v1_upstream_losses_are_reproduced() -> None:
    """Index-0 collision (B1), focus-only contexts dropped and last-one-wins (B2/B3), raw as standard."""
    rules = RuleSet(rules=[
        Persona("First", "dropped"),
        Persona("Same", "role", identity="Same"),
        Standard(Category.STYLE, 3, "x", pattern="Same"),
        Context(focus=["only focus"]),
        Raw("keep me"),
    ])
    # "First" takes index 0, so "Same" (index 2) is not hit by the collision; the first persona is lost.
    decoded = decode(encode_v1(rules))
    assert decoded.rules == [
        Persona("Same", "role", identity="Same"),
        Standard(Category.STYLE, 3, "x", pattern="Same"),
        Standard(Category.OTHER, 100, "keep me"),
    ]
    collide = RuleSet(rules=[Persona("Ada", "role", identity="Ada"), Standard(Category.API, 0, "d", "Ada")])
    assert decode(encode_v1(collide)).rules == [Persona("Ada", "role"), Standard(Category.API, 0, "d")]


def test_drvref_v1_hostile_counts_fail_fast() -> None:
    """A 21-byte file claiming 2^32-1 strings (valid checksum) is refused, not allocated."""
    payload = b"\x01" + (0xFFFFFFFF).to_bytes(4, "little")
    data = b"DRV\x00\x01\x00\x00\x00\x01\x00\x00\x00" + blake3.blake3(payload).digest()[:4] + payload
    with pytest.raises(RefDecodeError) as info:
        decode(data)
    assert info.value.code == "TRUNCATED"
    standards = encode_v1(RuleSet(rules=[Standard(Category.STYLE, 0, "a")]))
    tag = standards.index(b"\x03", 21)
    hostile = bytearray(standards[: tag + 1] + (0xFFFFFFFF).to_bytes(4, "little"))
    hostile[12:16] = blake3.blake3(bytes(hostile[16:])).digest()[:4]
    with pytest.raises(RefDecodeError) as info:
        decode(bytes(hostile))
    assert info.value.code == "TRUNCATED"


def test_drvref_v1_truncations_and_tags(derived_dir: Path) -> None:
    data = (derived_dir / "example.drv").read_bytes()
    for n in range(len(data)):
        with pytest.raises(RefDecodeError):
            decode(data[:n])
    for tag, code in ((0x01, "BAD_V1_SECTION"), (0x06, "BAD_V1_SECTION")):
        extended = bytearray(data + bytes([tag]))
        extended[12:16] = blake3.blake3(bytes(extended[16:])).digest()[:4]
        with pytest.raises(RefDecodeError) as info:
            decode(bytes(extended))
        assert (info.value.code, info.value.offset) == (code, 300)


def test_drvref_v2_of_the_readme_input_is_lossless() -> None:
    assert decode(encode(readme_input())) == readme_input()
