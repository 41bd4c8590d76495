"""Signatures embedded in `.drv` v2 files: every bit flip and every truncation is rejected."""

from __future__ import annotations

import os
import stat
import struct
from pathlib import Path

import pytest
from drvls.drv.reader import native_available, open_bytes
from drvls.signing import detached, drv_embedded
from drvls.signing.evidence import Kind, SigningError, Status
from drvls.signing.sign import sign_path
from drvls.signing.trust import build_store
from drvls.signing.verify import verify_bytes, verify_file
from prerequisites import needs
from signing_support import KeyFiles, flip, hand_built_v2, small_v2


def signed_drv(tmp_path: Path, keys: KeyFiles, data: bytes | None = None, name: str = "rules.drv") -> Path:
    path = tmp_path / name
    path.write_bytes(small_v2() if data is None else data)
    signed = sign_path(path, keys.key)
    assert signed.kind is Kind.EMBEDDED and signed.written == path
    return path


def test_signing_fills_the_slot_in_place_keeping_size_digest_and_mode(tmp_path: Path, keys: KeyFiles) -> None:
    path = tmp_path / "rules.drv"
    original = small_v2()
    path.write_bytes(original)
    path.chmod(0o640)
    sign_path(path, keys.key)
    data = path.read_bytes()
    assert len(data) == len(original)
    assert data[32:64] == original[32:64]  # the digest excludes the SIGNATURE section
    slot = drv_embedded.find_slot(data)
    assert slot is not None
    assert data[:slot] == original[:slot] and data[slot + 128:] == original[slot + 128:]
    assert data[slot:slot + 4] == b"DRVS" and data[slot + 4:slot + 8] == b"\x01\x01\x00\x00"
    assert data[slot + 16:slot + 48] == keys.public.raw
    assert data[slot + 48:slot + 64] == original[32:48]
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert not (tmp_path / "rules.drv.sig").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keys", "rules.drv"]  # no temp file left behind
    verdict = verify_file(path, keys.store())
    assert verdict.status is Status.VALID and verdict.kind is Kind.EMBEDDED
    assert verdict.key_id == keys.public.key_id


def test_a_hand_built_frame_signs_and_verifies(tmp_path: Path, keys: KeyFiles) -> None:
    """Framing rules alone (no rule sections): the signature layer does not depend on the encoder."""
    data = drv_embedded.sign_bytes(hand_built_v2([b"alpha", b"beta"]), keys.key)
    assert verify_bytes(tmp_path / "hand.drv", data, keys.store()).status is Status.VALID


@needs(native_available(), "the native .drv reader is not built in this tree")
def test_sign_refuses_a_file_the_drv_reader_rejects(tmp_path: Path, keys: KeyFiles) -> None:
    path = tmp_path / "frame-only.drv"
    original = hand_built_v2([b"alpha"])  # has no RULES section: a reader rejects it
    path.write_bytes(original)
    with pytest.raises(SigningError, match=r"not a valid \.drv file"):
        sign_path(path, keys.key)
    assert path.read_bytes() == original


@needs(native_available(), "the native .drv reader is not built in this tree")
def test_the_drv_reader_accepts_a_signed_file(tmp_path: Path, keys: KeyFiles) -> None:
    data = signed_drv(tmp_path, keys).read_bytes()
    with open_bytes(data, verify=True) as drv:
        assert drv.signature_slot() == (drv_embedded.find_slot(data), 128)


def test_every_bit_flip_of_a_signed_drv_is_rejected(tmp_path: Path, keys: KeyFiles) -> None:
    data = signed_drv(tmp_path, keys).read_bytes()
    store = keys.store()
    path = tmp_path / "flipped.drv"  # no .sig beside it
    accepted = [bit for bit in range(len(data) * 8)
                if verify_bytes(path, flip(data, bit), store).status is Status.VALID]
    assert accepted == []
    assert verify_bytes(path, data, store).status is Status.VALID  # the control case passes


def test_every_truncation_of_a_signed_drv_is_rejected(tmp_path: Path, keys: KeyFiles) -> None:
    data = signed_drv(tmp_path, keys).read_bytes()
    store = keys.store()
    path = tmp_path / "cut.drv"
    accepted = [n for n in range(len(data)) if verify_bytes(path, data[:n], store).status is Status.VALID]
    assert accepted == []
    grown = verify_bytes(path, data + bytes(8), store)
    assert grown.status is Status.INVALID


def test_flips_in_the_slot_report_invalid_and_flips_in_content_report_damage(tmp_path: Path, keys: KeyFiles) -> None:
    data = signed_drv(tmp_path, keys).read_bytes()
    slot = drv_embedded.find_slot(data)
    assert slot is not None
    path = tmp_path / "x.drv"
    store = keys.store()
    for bit in range(slot * 8, (slot + 128) * 8):
        verdict = verify_bytes(path, flip(data, bit), store)
        if slot + 48 <= bit // 8 < slot + 64:  # the recorded digest prefix: reads as stale, signer unproven
            assert verdict.status is Status.STALE and not verdict.key_verified, bit
            assert "claimed, not verified" in verdict.line() and verdict.to_json()["key_verified"] is False
        else:
            assert verdict.status is Status.INVALID, bit
    content = verify_bytes(path, flip(data, 8 * (slot - 1)), keys.store())
    assert content.status is Status.INVALID and "digest" in content.reason


def test_untrusted_key_is_reported_as_untrusted(tmp_path: Path, keys: KeyFiles, other_keys: KeyFiles) -> None:
    path = signed_drv(tmp_path, keys)
    verdict = verify_file(path, other_keys.store())
    assert verdict.status is Status.UNTRUSTED and verdict.key_id == keys.public.key_id
    assert verify_file(path, build_store()).status is Status.UNTRUSTED


def test_a_signature_moved_to_another_file_is_rejected(tmp_path: Path, keys: KeyFiles) -> None:
    signed = signed_drv(tmp_path, keys).read_bytes()
    other = hand_built_v2([b"not", b"the", b"same"])
    s_slot, o_slot = drv_embedded.find_slot(signed), drv_embedded.find_slot(other)
    assert s_slot is not None and o_slot is not None
    moved = other[:o_slot] + signed[s_slot:s_slot + 128] + other[o_slot + 128:]
    verdict = verify_bytes(tmp_path / "other.drv", moved, keys.store())
    assert verdict.status is Status.STALE and not verdict.key_verified  # nothing proves who signed
    # Even with a forged digest prefix the Ed25519 check fails.
    forged = bytearray(moved)
    forged[o_slot + 48:o_slot + 64] = other[32:48]
    verdict = verify_bytes(tmp_path / "other.drv", bytes(forged), keys.store())
    assert verdict.status is Status.INVALID


def test_the_embedded_signature_cannot_be_replayed_as_a_detached_one(tmp_path: Path, keys: KeyFiles) -> None:
    data = signed_drv(tmp_path, keys).read_bytes()
    slot = drv_embedded.find_slot(data)
    assert slot is not None
    stolen = data[slot + 64:slot + 128]
    # A file whose plain BLAKE3 equals the .drv digest: only domain separation tells the two apart.
    preimage = data[:32] + data[64:slot] + data[slot + 128:]
    assert detached.file_digest(preimage) == data[32:64]
    target = tmp_path / "target.system"
    target.write_bytes(preimage)
    good = detached.render(keys.key, preimage).decode()
    replay = good[:good.index("signature: ")] + f"signature: {stolen.hex()}\n"
    (tmp_path / "target.system.sig").write_text(replay)
    verdict = verify_file(target, keys.store())
    assert verdict.status is Status.INVALID and verdict.kind is Kind.DETACHED
    (tmp_path / "target.system.sig").write_text(good)
    assert verify_file(target, keys.store()).status is Status.VALID  # the control case


def test_an_unsigned_v2_file_is_missing(tmp_path: Path, keys: KeyFiles) -> None:
    path = tmp_path / "plain.drv"
    path.write_bytes(small_v2())
    verdict = verify_file(path, keys.store())
    assert verdict.status is Status.MISSING


def test_resigning_with_another_key_replaces_the_signature(tmp_path: Path, keys: KeyFiles,
                                                           other_keys: KeyFiles) -> None:
    path = signed_drv(tmp_path, keys)
    sign_path(path, other_keys.key)
    assert verify_file(path, other_keys.store()).status is Status.VALID
    assert verify_file(path, keys.store()).status is Status.UNTRUSTED


def test_signing_refuses_a_damaged_file_and_leaves_it_alone(tmp_path: Path, keys: KeyFiles) -> None:
    path = tmp_path / "bad.drv"
    damaged = flip(small_v2(), 8 * 100)
    path.write_bytes(damaged)
    with pytest.raises(SigningError, match="damaged"):
        sign_path(path, keys.key)
    assert path.read_bytes() == damaged


def test_signing_refuses_a_v2_file_without_signature_section(tmp_path: Path, keys: KeyFiles) -> None:
    data = bytearray(hand_built_v2([b"x"]))
    count_at, entry = 12, 64 + 24  # drop the second table entry (the SIGNATURE one) by lowering the count
    struct.pack_into("<I", data, count_at, 1)
    data[entry:entry + 24] = bytes(24)
    import blake3

    data[32:64] = blake3.blake3(bytes(data[:32]) + bytes(data[64:])).digest()
    path = tmp_path / "noslot.drv"
    path.write_bytes(bytes(data))
    with pytest.raises(SigningError, match="no SIGNATURE section"):
        sign_path(path, keys.key)


@pytest.mark.skipif(os.name != "posix", reason="read-only folders are POSIX")
def test_a_failed_write_leaves_the_original_untouched(tmp_path: Path, keys: KeyFiles) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "rules.drv"
    original = small_v2()
    path.write_bytes(original)
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running with privileges that ignore folder permissions")
        with pytest.raises(SigningError):
            sign_path(path, keys.key)
    finally:
        folder.chmod(0o700)
    assert path.read_bytes() == original


@pytest.mark.skipif(os.name != "posix", reason="symbolic links are POSIX here")
def test_signing_through_a_symlink_keeps_the_link(tmp_path: Path, keys: KeyFiles) -> None:
    target = tmp_path / "real.drv"
    target.write_bytes(small_v2())
    link = tmp_path / "link.drv"
    link.symlink_to(target.name)
    sign_path(link, keys.key)
    assert link.is_symlink()
    assert verify_file(target, keys.store()).status is Status.VALID
