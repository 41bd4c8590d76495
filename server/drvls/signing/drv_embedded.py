"""Signatures embedded in the 128-byte SIGNATURE section of `.drv` v2 files.

Slot layout (offsets relative to the section start; all-zero = unsigned):

    0   4  magic "DRVS"
    4   1  slot version = 1
    5   1  algorithm = 1 (Ed25519)
    6   2  reserved, zero
    8   8  key id (first 8 bytes of BLAKE3("drvls-key-id-v1\\0" ‖ public key))
    16 32  Ed25519 public key
    48 16  first 16 bytes of the BLAKE3-256 file digest at signing time
    64 64  Ed25519 signature of "drvls-drv-v2-signature\\0" ‖ slot[0:64] ‖ digest (32 bytes)

Every byte is either signed (0..64) or is the signature itself; the fixed fields and the key id
are also checked, and the file's stored header digest must equal the recomputed one.
The 16-byte digest prefix lets a changed file be told apart from a forged signature; the signature
over the old content cannot be re-checked then, so a stale verdict's key is only claimed.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from drvls.core.atomic import atomic_write_bytes
from drvls.core.reading import ReadProblem, read_bounded
from drvls.drv import layout as L
from drvls.drv.encoder import digest_v2
from drvls.signing.evidence import Evidence, Kind, SigningError, Status
from drvls.signing.keys import PrivateKey, PublicKey, key_id_bytes

# The frame's numbers are the format's own (`drvls.drv.layout`); the slot's content is defined here.
DRV_MAGIC = L.MAGIC
HEADER_SIZE = L.HEADER_SIZE
TABLE_ENTRY = L.SECTION_ENTRY_SIZE
SIGNATURE_TYPE = L.SECTION_SIGNATURE
SLOT_LENGTH = L.SIGNATURE_SIZE
SLOT_MAGIC = b"DRVS"
SLOT_VERSION = 1
ALG_ED25519 = 1
DIGEST_PREFIX = 16
DOMAIN = b"drvls-drv-v2-signature\x00"
ZERO_SLOT = bytes(SLOT_LENGTH)


class FrameError(Exception):
    """The bytes are not a well-formed `.drv` v2 frame (header and section table)."""


def is_v2(data: bytes) -> bool:
    """Cheap test: the `.drv` magic followed by version 2."""
    return len(data) >= 6 and data[:4] == DRV_MAGIC and data[4:6] == b"\x02\x00"


def applies(path: Path, data: bytes) -> bool:
    """Embedded signing is for files named `*.drv` that hold a v2 header; anything else is detached."""
    return path.suffix == ".drv" and is_v2(data)


def find_slot(data: bytes) -> int | None:
    """The SIGNATURE section's offset, None when the file has none; FrameError when the frame is broken."""
    if len(data) < HEADER_SIZE:
        raise FrameError(f"file is {len(data)} bytes, shorter than the {HEADER_SIZE}-byte header")
    if not is_v2(data):
        raise FrameError("not a .drv version 2 header")
    header_size, _flags, count, file_length, table = struct.unpack_from("<HIIQQ", data, 6)
    if header_size != HEADER_SIZE:
        raise FrameError(f"header_size is {header_size}, expected {HEADER_SIZE}")
    if file_length != len(data):
        raise FrameError(f"header says the file is {file_length} bytes, but it is {len(data)} (truncated?)")
    table_end = table + count * TABLE_ENTRY
    if table % 8 or table < HEADER_SIZE or table_end > len(data):
        raise FrameError("section table lies outside the file or is misaligned")
    slot: int | None = None
    for i in range(count):
        kind, _sflags, offset, length = L.SECTION_ENTRY_STRUCT.unpack_from(data, table + i * TABLE_ENTRY)
        if kind != SIGNATURE_TYPE:
            continue
        if slot is not None:
            raise FrameError("more than one SIGNATURE section")
        if length != SLOT_LENGTH or offset % 8 or offset < table_end or offset + length > len(data):
            raise FrameError(f"SIGNATURE section must be {SLOT_LENGTH} aligned bytes inside the file")
        slot = offset
    return slot


def digest(data: bytes, slot: int | None) -> bytes:
    """The file's v2 digest (the format's, computed by the encoder's code), given the slot's offset."""
    return digest_v2(data, None if slot is None else (slot, SLOT_LENGTH))


def message(slot_head: bytes, file_digest: bytes) -> bytes:
    """What the Ed25519 signature covers: domain ‖ slot[0:64] ‖ digest."""
    return DOMAIN + slot_head + file_digest


def build_slot(key: PrivateKey, file_digest: bytes) -> bytes:
    public = key.public_key.raw
    head = (SLOT_MAGIC + bytes((SLOT_VERSION, ALG_ED25519)) + bytes(2) + key_id_bytes(public) + public
            + file_digest[:DIGEST_PREFIX])
    return head + key.sign(message(head, file_digest))


@dataclass(frozen=True)
class Slot:
    offset: int
    body: bytes

    @property
    def is_zero(self) -> bool:
        return self.body == ZERO_SLOT


def read_slot(data: bytes) -> Slot | None:
    """The slot of a well-formed v2 file (FrameError otherwise), None when there is no SIGNATURE section."""
    offset = find_slot(data)
    if offset is None:
        return None
    return Slot(offset, bytes(data[offset:offset + SLOT_LENGTH]))


def _slot_problem(body: bytes) -> str | None:
    """Why the fixed fields of a non-zero slot are wrong, or None."""
    if body[:4] != SLOT_MAGIC:
        return "SIGNATURE section does not start with the drvls magic 'DRVS'"
    if body[4] != SLOT_VERSION:
        return f"unknown signature slot version {body[4]}"
    if body[5] != ALG_ED25519:
        return f"unknown signature algorithm {body[5]}"
    if body[6:8] != b"\x00\x00":
        return "reserved bytes of the SIGNATURE section are not zero"
    if body[8:16] != key_id_bytes(body[16:48]):
        return "key id in the SIGNATURE section does not match its public key"
    return None


def check(data: bytes, slot: Slot) -> Evidence:
    """Evidence of a non-zero slot against the file's current bytes."""
    current = digest(data, slot.offset)
    if data[32:64] != current:
        return Evidence(Status.INVALID, Kind.EMBEDDED,
                        "the header digest does not match the content: the file is damaged or was edited "
                        "without recompiling")
    body = slot.body
    problem = _slot_problem(body)
    if problem is not None:
        return Evidence(Status.INVALID, Kind.EMBEDDED, problem)
    public = body[16:48]
    if body[48:64] != current[:DIGEST_PREFIX]:
        # The signed digest belongs to content that is gone, so the signature cannot be re-checked.
        return Evidence(Status.STALE, Kind.EMBEDDED,
                        "the file changed after it was signed (its digest differs from the one recorded in the "
                        "SIGNATURE section; the old signature cannot be re-checked, so the signer is unproven)",
                        public, key_verified=False)
    if not PublicKey(public).verify(message(body[:64], current), body[64:]):
        return Evidence(Status.INVALID, Kind.EMBEDDED, "the Ed25519 signature does not verify", public,
                        key_verified=False)
    return Evidence(Status.VALID, Kind.EMBEDDED, "signature verifies", public)


def check_bytes(data: bytes) -> Evidence | None:
    """Evidence for a v2 file; None when it has no slot or an all-zero one (look for a `.sig` instead)."""
    try:
        slot = read_slot(data)
    except FrameError as exc:
        return Evidence(Status.INVALID, Kind.EMBEDDED, f"not a well-formed .drv v2 file: {exc}")
    if slot is None or slot.is_zero:
        return None
    return check(data, slot)


def has_signature(data: bytes) -> bool:
    """Cheap: a well-formed v2 file whose SIGNATURE slot is non-zero (no hashing)."""
    try:
        slot = read_slot(data)
    except FrameError:
        return False
    return slot is not None and not slot.is_zero


def sign_bytes(data: bytes, key: PrivateKey) -> bytes:
    """The same file with its SIGNATURE slot filled in (same size, same digest)."""
    try:
        slot = read_slot(data)
    except FrameError as exc:
        raise SigningError(f"not a well-formed .drv v2 file: {exc}") from None
    if slot is None:
        raise SigningError("the .drv file has no SIGNATURE section; recompile it with `drvls compile`")
    current = digest(data, slot.offset)
    if data[32:64] != current:
        raise SigningError("the header digest does not match the content; refusing to sign a damaged file")
    body = build_slot(key, current)
    return data[:slot.offset] + body + data[slot.offset + SLOT_LENGTH:]


def structural_problem(data: bytes) -> str | None:
    """Why the `.drv` reader rejects the file, when the native reader is part of this build."""
    try:
        from drvls.drv import reader
    except ImportError:
        return None
    if not reader.native_available():
        return None
    try:
        reader.open_bytes(data, verify=True).close()
    except reader.DrvError as exc:
        return str(exc)
    except reader.NativeUnavailable:
        return None
    return None


def sign_file(path: Path, key: PrivateKey) -> bool:
    """Fill the slot of `path` in place, atomically, keeping its mode; True when it was already signed.

    A file the `.drv` reader rejects is not signed: a signature vouches for a usable rule file.
    A symbolic link is followed, so the link stays a link and its target gets the signature.
    """
    path = path.resolve()
    data = read_bounded(path)
    if isinstance(data, ReadProblem):
        raise SigningError(f"cannot read {path}: {data.reason}")
    signed = sign_bytes(data, key)  # frame, slot and digest problems first: their messages are plainer
    problem = structural_problem(data)
    if problem is not None:
        raise SigningError(f"not a valid .drv file ({problem}); refusing to sign it")
    slot = read_slot(data)
    atomic_write_bytes(path, signed)
    return slot is not None and not slot.is_zero
