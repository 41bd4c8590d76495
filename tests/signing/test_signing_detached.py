"""Detached `FILE.sig` signatures: strict format, every bit flip and truncation rejected, legacy files."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from drvls.signing import detached
from drvls.signing.evidence import Kind, SigningError, Status
from drvls.signing.sign import sign_path
from drvls.signing.verify import verify_bytes, verify_file
from signing_support import KeyFiles, flip, small_v1

SYSTEM = b'<?xml version="1.0"?>\n<system>\n  <memory_region name="m" size="0x1000"/>\n</system>\n'
SIG_FORMAT = re.compile(
    r"drvls-signature v1\n"
    r"algorithm: ed25519\n"
    r"key-id: [0-9a-f]{16}\n"
    r"public-key: [A-Za-z0-9+/]{43}=\n"
    r"blake3-256: [0-9a-f]{64}\n"
    r"signature: [0-9a-f]{128}\n")


def signed_system(tmp_path: Path, keys: KeyFiles, name: str = "board.system", data: bytes = SYSTEM) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    signed = sign_path(path, keys.key)
    assert signed.kind is Kind.DETACHED and signed.written == tmp_path / (name + ".sig")
    return path


def test_sign_writes_a_sig_in_the_documented_format(tmp_path: Path, keys: KeyFiles) -> None:
    path = signed_system(tmp_path, keys)
    raw = (tmp_path / "board.system.sig").read_text()
    assert SIG_FORMAT.fullmatch(raw)
    assert f"key-id: {keys.public.key_id}\n" in raw
    assert f"blake3-256: {detached.file_digest(SYSTEM).hex()}\n" in raw
    assert path.read_bytes() == SYSTEM  # the signed file itself is never touched
    verdict = verify_file(path, keys.store())
    assert verdict.status is Status.VALID and verdict.kind is Kind.DETACHED


def test_every_bit_flip_of_the_signed_file_is_rejected(tmp_path: Path, keys: KeyFiles) -> None:
    path = signed_system(tmp_path, keys)
    store = keys.store()
    statuses = {verify_bytes(path, flip(SYSTEM, bit), store).status for bit in range(len(SYSTEM) * 8)}
    assert statuses == {Status.STALE}


def test_every_bit_flip_of_the_sig_file_is_rejected(tmp_path: Path, keys: KeyFiles) -> None:
    path = signed_system(tmp_path, keys)
    sig_path = tmp_path / "board.system.sig"
    raw = sig_path.read_bytes()
    accepted = []
    for bit in range(len(raw) * 8):
        evidence = detached.check(SYSTEM, flip(raw, bit), sig_path)
        if evidence.status is Status.VALID:
            accepted.append(bit)
    assert accepted == []
    assert detached.check(SYSTEM, raw, sig_path).status is Status.VALID
    assert verify_file(path, keys.store()).status is Status.VALID


def test_every_truncation_of_the_file_and_of_the_sig_is_rejected(tmp_path: Path, keys: KeyFiles) -> None:
    path = signed_system(tmp_path, keys)
    sig_path = tmp_path / "board.system.sig"
    raw = sig_path.read_bytes()
    store = keys.store()
    assert all(verify_bytes(path, SYSTEM[:n], store).status is Status.STALE for n in range(len(SYSTEM)))
    assert all(detached.check(SYSTEM, raw[:n], sig_path).status is Status.INVALID for n in range(len(raw)))
    assert detached.check(SYSTEM, raw + b"\n", sig_path).status is Status.INVALID
    assert detached.check(SYSTEM, raw + b"x", sig_path).status is Status.INVALID


@pytest.mark.parametrize("mutate", [
    lambda t: t.replace(b"\n", b"\r\n"),
    lambda t: t.replace(b"key-id: ", b"key-id:  "),
    lambda t: t.replace(b"key-id: ", b"Key-Id: "),
    lambda t: t.replace(b"algorithm: ed25519", b"algorithm: Ed25519"),
    lambda t: t.replace(b"drvls-signature v1", b"drvls-signature v2"),
    lambda t: t.replace(b"\nsignature: ", b"\n\nsignature: "),
    lambda t: t.replace(b"\nblake3-256", b" \nblake3-256"),
    lambda t: t[:t.index(b"signature: ") + 11] + t[t.index(b"signature: ") + 11:].upper(),
    lambda t: t + b"# trailing comment\n",
    lambda t: t.rstrip(b"\n"),
])
def test_any_deviation_from_the_format_is_rejected(tmp_path: Path, keys: KeyFiles, mutate: object) -> None:
    signed_system(tmp_path, keys)
    sig_path = tmp_path / "board.system.sig"
    raw = sig_path.read_bytes()
    bad = mutate(raw)  # type: ignore[operator]
    assert bad != raw
    assert detached.check(SYSTEM, bad, sig_path).status is Status.INVALID


def test_a_sig_of_another_file_is_rejected(tmp_path: Path, keys: KeyFiles) -> None:
    signed_system(tmp_path, keys, "a.system", SYSTEM)
    other = tmp_path / "b.system"
    other.write_bytes(SYSTEM.replace(b"0x1000", b"0x2000"))
    (tmp_path / "b.system.sig").write_bytes((tmp_path / "a.system.sig").read_bytes())
    verdict = verify_file(other, keys.store())
    assert verdict.status is Status.STALE
    # A detached signature signs its digest line, so who signed that other content is proven.
    assert verdict.key_verified and verdict.key_id == keys.public.key_id
    assert "not verified" not in verdict.line()


def test_untrusted_and_missing(tmp_path: Path, keys: KeyFiles, other_keys: KeyFiles) -> None:
    path = signed_system(tmp_path, keys)
    assert verify_file(path, other_keys.store()).status is Status.UNTRUSTED
    lone = tmp_path / "lone.camkes"
    lone.write_text("assembly {}\n")
    verdict = verify_file(lone, keys.store())
    assert verdict.status is Status.MISSING and verdict.kind is Kind.NONE


def test_a_v1_drv_gets_a_detached_signature(tmp_path: Path, keys: KeyFiles) -> None:
    path = tmp_path / "old.drv"
    path.write_bytes(small_v1())
    signed = sign_path(path, keys.key)
    assert signed.kind is Kind.DETACHED and signed.written.name == "old.drv.sig"
    assert path.read_bytes() == small_v1()
    assert verify_file(path, keys.store()).status is Status.VALID


def test_upstream_raw_64_byte_drv_sig_is_reported_as_legacy(tmp_path: Path, keys: KeyFiles) -> None:
    path = tmp_path / "rules.drv"
    path.write_bytes(small_v1())
    (tmp_path / "rules.drv.sig").write_bytes(os.urandom(64))
    verdict = verify_file(path, keys.store())
    assert verdict.status is Status.LEGACY and verdict.kind is Kind.LEGACY
    assert "insecure" in verdict.reason
    # Other lengths, or another file name, are not upstream's format: invalid, not legacy.
    (tmp_path / "rules.drv.sig").write_bytes(os.urandom(65))
    assert verify_file(path, keys.store()).status is Status.INVALID
    text = tmp_path / "board.system"
    text.write_bytes(SYSTEM)
    (tmp_path / "board.system.sig").write_bytes(os.urandom(64))
    assert verify_file(text, keys.store()).status is Status.INVALID


def test_signing_replaces_a_legacy_sig_but_not_a_foreign_one(tmp_path: Path, keys: KeyFiles) -> None:
    path = tmp_path / "rules.drv"
    path.write_bytes(small_v1())
    (tmp_path / "rules.drv.sig").write_bytes(bytes(range(64)))
    sign_path(path, keys.key)
    assert verify_file(path, keys.store()).status is Status.VALID
    foreign = tmp_path / "board.system"
    foreign.write_bytes(SYSTEM)
    pgp = b"-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n"
    (tmp_path / "board.system.sig").write_bytes(pgp)
    with pytest.raises(SigningError, match="not a drvls signature"):
        sign_path(foreign, keys.key)
    assert (tmp_path / "board.system.sig").read_bytes() == pgp


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_fifo_named_like_a_sig_or_a_key_is_refused_without_hanging(tmp_path: Path, keys: KeyFiles) -> None:
    path = tmp_path / "board.system"
    path.write_bytes(SYSTEM)
    os.mkfifo(tmp_path / "board.system.sig")  # nobody writes to it: a blocking open would never return
    verdict = verify_file(path, keys.store())
    assert verdict.status is Status.INVALID and "board.system.sig" in verdict.reason
    with pytest.raises(SigningError):
        sign_path(path, keys.key)
    os.mkfifo(tmp_path / "trusted.pub")
    from drvls.signing.keys import KeyFileError, load_public_key

    with pytest.raises(KeyFileError, match="regular file"):
        load_public_key(tmp_path / "trusted.pub")
