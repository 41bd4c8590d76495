"""The worked example in docs/drv-format.md §10: the encoder, the doc and the reference decoder agree."""

from __future__ import annotations

import pytest
from drvls.drv.encoder import encode
from drvls.drv.model import Category, Raw, RuleSet, SourceRef, Standard
from drvref_helpers import FORMAT_DOC, fenced_hexdump_after
from ref_decoder import RefDecodeError, decode


def example() -> RuleSet:
    return RuleSet(
        sources=["CLAUDE.md"],
        rules=[
            Standard(Category.NAMING, 0, "Use snake_case", source=SourceRef("CLAUDE.md", 3)),
            Raw("Be brief", source=SourceRef("CLAUDE.md", 5)),
        ],
    )


@pytest.fixture(scope="module")
def doc_bytes() -> bytes:
    return fenced_hexdump_after(FORMAT_DOC.read_text(encoding="utf-8"), "encodes to these 480 bytes")


def test_drvref_doc_example_is_the_encoder_output(doc_bytes: bytes) -> None:
    assert len(doc_bytes) == 480
    assert encode(example()) == doc_bytes


def test_drvref_doc_example_decodes(doc_bytes: bytes) -> None:
    assert decode(doc_bytes) == example()


def test_drvref_doc_example_layout_matches_the_prose(doc_bytes: bytes) -> None:
    table = [
        (int.from_bytes(doc_bytes[e : e + 4], "little"), int.from_bytes(doc_bytes[e + 8 : e + 16], "little"),
         int.from_bytes(doc_bytes[e + 16 : e + 24], "little"))
        for e in range(64, 64 + 24 * 5, 24)
    ]
    assert table == [(1, 0xB8, 55), (2, 0xF0, 88), (3, 0x148, 8), (4, 0x150, 16), (0xF0, 0x160, 128)]
    assert doc_bytes[0x160:] == bytes(128)


def test_drvref_doc_example_truncated_anywhere_is_a_clean_error(doc_bytes: bytes) -> None:
    for n in range(len(doc_bytes)):
        with pytest.raises(RefDecodeError):
            decode(doc_bytes[:n])


def test_drvref_every_byte_outside_digest_and_signature_is_covered(doc_bytes: bytes) -> None:
    """Flipping a bit anywhere is caught; in the signature body it changes nothing decoded."""
    for i in range(len(doc_bytes)):
        mutated = bytearray(doc_bytes)
        mutated[i] ^= 0x01
        if i >= 0x160:
            assert decode(bytes(mutated)) == example()
            continue
        with pytest.raises(RefDecodeError) as info:
            decode(bytes(mutated))
        if 32 <= i < 64:
            assert info.value.code == "DIGEST_MISMATCH"
