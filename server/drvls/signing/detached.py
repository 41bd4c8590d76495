"""Detached signatures: `FILE.sig` next to any file that is not a `.drv` v2.

The format is six lines, each ending in LF, nothing else (no CR, no blank line, no trailing data):

    drvls-signature v1
    algorithm: ed25519
    key-id: <16 lowercase hex digits>
    public-key: <canonical base64 of the 32-byte public key>
    blake3-256: <64 lowercase hex digits: BLAKE3-256 of the signed file's bytes>
    signature: <128 lowercase hex digits: Ed25519 signature>

The signature covers "drvls-detached-signature-v1\\0" followed by the first five lines exactly
as written, so the header, algorithm, key and digest are all signed; the last line is checked
to be canonical. A raw 64-byte upstream `.drv.sig` never starts with the header line.
"""

from __future__ import annotations

import base64
import errno
import re
from dataclasses import dataclass
from pathlib import Path

import blake3

from drvls.core.atomic import atomic_write_bytes
from drvls.core.reading import ReadProblem, read_bounded, read_head
from drvls.signing import legacy
from drvls.signing.evidence import Evidence, Kind, SigningError, Status
from drvls.signing.keys import PrivateKey, PublicKey, key_id
from drvls.signing.post_check import SIG_SUFFIX

HEADER = b"drvls-signature v1\n"
DOMAIN = b"drvls-detached-signature-v1\x00"
SUFFIX = SIG_SUFFIX
MAX_SIG_FILE = 1024
UTF8_BOM = b"\xef\xbb\xbf"
_LINES = (
    re.compile(rb"drvls-signature v1"),
    re.compile(rb"algorithm: ed25519"),
    re.compile(rb"key-id: ([0-9a-f]{16})"),
    re.compile(rb"public-key: ([A-Za-z0-9+/]{43}=)"),
    re.compile(rb"blake3-256: ([0-9a-f]{64})"),
    re.compile(rb"signature: ([0-9a-f]{128})"),
)


class SigFormatError(Exception):
    """A `.sig` file that starts like ours but deviates from the format."""


def signature_path(path: Path) -> Path:
    return path.with_name(path.name + SUFFIX)


def with_disk_bom(path: Path, data: bytes) -> bytes:
    """`data` with the UTF-8 byte order mark that `path` has on disk, when `data` lacks it.

    Editors drop a BOM from the text they hand to a language server, but the signature covers the
    file's bytes; without this, an untouched BOM file would read as edited since signing.
    """
    if data.startswith(UTF8_BOM):
        return data
    head = read_head(path, len(UTF8_BOM))
    return UTF8_BOM + data if head == UTF8_BOM else data


def file_digest(data: bytes) -> bytes:
    return blake3.blake3(data).digest()


@dataclass(frozen=True)
class DetachedSignature:
    public_key: bytes
    digest: bytes
    signature: bytes
    signed_text: bytes  # the first five lines, as signed

    @property
    def message(self) -> bytes:
        return DOMAIN + self.signed_text


def _signed_text(public: bytes, digest: bytes) -> bytes:
    return (HEADER + b"algorithm: ed25519\n" + f"key-id: {key_id(public)}\n".encode("ascii")
            + b"public-key: " + base64.b64encode(public) + b"\n"
            + f"blake3-256: {digest.hex()}\n".encode("ascii"))


def render(key: PrivateKey, data: bytes) -> bytes:
    """The `.sig` file for `data`, signed by `key`."""
    text = _signed_text(key.public_key.raw, file_digest(data))
    return text + f"signature: {key.sign(DOMAIN + text).hex()}\n".encode("ascii")


def parse(raw: bytes) -> DetachedSignature:
    """Strict parse; any deviation raises SigFormatError."""
    if len(raw) > MAX_SIG_FILE:
        raise SigFormatError("too large for a drvls signature file")
    if not raw.endswith(b"\n"):
        raise SigFormatError("does not end with a newline (truncated?)")
    lines = raw[:-1].split(b"\n")
    if len(lines) != len(_LINES):
        raise SigFormatError(f"has {len(lines)} lines, expected {len(_LINES)}")
    groups: list[bytes] = []
    for number, (line, pattern) in enumerate(zip(lines, _LINES, strict=True), start=1):
        match = pattern.fullmatch(line)
        if match is None:
            raise SigFormatError(f"line {number} is not in the drvls signature format")
        groups.extend(match.groups())
    stated_id, public_b64, digest_hex, signature_hex = groups
    public = base64.b64decode(public_b64, validate=True)
    if len(public) != 32 or base64.b64encode(public) != public_b64:
        raise SigFormatError("public key is not canonical base64 of 32 bytes")
    if key_id(public) != stated_id.decode("ascii"):
        raise SigFormatError("key id does not match the public key")
    signed_text = b"".join(line + b"\n" for line in lines[:-1])
    return DetachedSignature(public, bytes.fromhex(digest_hex.decode("ascii")),
                             bytes.fromhex(signature_hex.decode("ascii")), signed_text)


def read_sig(path: Path) -> bytes | None:
    """The bytes of `path` (at most a little over the size limit), None when it does not exist.

    Read through `core.reading`, so a FIFO or device named `FILE.sig` cannot hang a lint run or the
    editor; that is an OSError like any unreadable file.
    """
    head = read_head(path, MAX_SIG_FILE + 1)
    if isinstance(head, ReadProblem):
        if head.kind == "missing":
            return None
        raise OSError(errno.EINVAL, head.reason)
    return head


def check(data: bytes, raw: bytes, sig_path: Path) -> Evidence:
    """Evidence of a `.sig` (ours or upstream's) for a file whose current bytes are `data`."""
    if not raw.startswith(HEADER):
        if legacy.is_legacy(sig_path, raw):
            return Evidence(Status.LEGACY, Kind.LEGACY, legacy.REASON, signature_path=sig_path)
        return Evidence(Status.INVALID, Kind.NONE, f"{sig_path.name} is not a drvls signature file",
                        signature_path=sig_path)
    try:
        sig = parse(raw)
    except SigFormatError as exc:
        return Evidence(Status.INVALID, Kind.DETACHED, f"{sig_path.name}: {exc}", signature_path=sig_path)
    key = PublicKey(sig.public_key)
    if not key.verify(sig.message, sig.signature):
        return Evidence(Status.INVALID, Kind.DETACHED, f"{sig_path.name}: the Ed25519 signature does not verify",
                        sig.public_key, sig_path, key_verified=False)
    if file_digest(data) != sig.digest:
        return Evidence(Status.STALE, Kind.DETACHED,
                        "the file changed after it was signed (its BLAKE3-256 digest differs from the signed one)",
                        sig.public_key, sig_path)
    return Evidence(Status.VALID, Kind.DETACHED, "signature verifies", sig.public_key, sig_path)


def check_file(path: Path, data: bytes) -> Evidence:
    """Evidence from `path`'s `.sig`; MISSING when there is none."""
    sig_path = signature_path(path)
    try:
        raw = read_sig(sig_path)
    except OSError as exc:
        return Evidence(Status.INVALID, Kind.DETACHED,
                        f"cannot read {sig_path.name}: {exc.strerror or type(exc).__name__}", signature_path=sig_path)
    if raw is None:
        return Evidence(Status.MISSING, Kind.NONE, "no signature")
    return check(data, raw, sig_path)


def sign_file(path: Path, key: PrivateKey) -> Path:
    """Write `path`'s `.sig` atomically; an existing `.sig` is replaced only if it is ours or upstream's."""
    data = read_bounded(path)
    if isinstance(data, ReadProblem):
        raise SigningError(f"cannot read {path}: {data.reason}")
    sig_path = signature_path(path)
    existing = read_sig(sig_path)
    if existing is not None and not existing.startswith(HEADER) and not legacy.is_legacy(sig_path, existing):
        raise SigningError(f"{sig_path} exists and is not a drvls signature; move it away first")
    atomic_write_bytes(sig_path, render(key, data))  # keeps an old .sig's mode, else 0666 minus umask
    return sig_path
