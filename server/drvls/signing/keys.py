"""Ed25519 key pairs and their text files.

Public key file (any name; `*.pub` in trust folders), exactly two lines, each ending in LF:

    drvls-public-key v1 ed25519 <key id>
    <base64 of the 32-byte public key>

Private key file, created mode 0600 and never overwritten:

    drvls-private-key v1 ed25519 <key id>
    <base64 of the 32-byte Ed25519 seed>

The key id is the first 8 bytes of BLAKE3("drvls-key-id-v1\\0" ‖ public key), as 16 lowercase hex
digits. Private key material never appears in a repr, a message or an exception.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import blake3
import nacl.exceptions
import nacl.signing

from drvls.core.reading import ReadProblem, read_bounded

PUBLIC_HEADER = "drvls-public-key v1 ed25519"
PRIVATE_HEADER = "drvls-private-key v1 ed25519"
KEY_ID_DOMAIN = b"drvls-key-id-v1\x00"
KEY_ID_BYTES = 8
KEY_BYTES = 32
MAX_KEY_FILE = 4096
PRIVATE_NAME_SUFFIX = ".key"
PUBLIC_NAME_SUFFIX = ".pub"
DEFAULT_KEY_NAME = "drvls_ed25519"
_KEY_LINE = re.compile(r"[A-Za-z0-9+/]{43}=")


class KeyFileError(Exception):
    """A key file that cannot be used; the message names the file, never its content."""


def key_id_bytes(public_key: bytes) -> bytes:
    return blake3.blake3(KEY_ID_DOMAIN + public_key).digest()[:KEY_ID_BYTES]


def key_id(public_key: bytes) -> str:
    """The short, stable name of a public key."""
    return key_id_bytes(public_key).hex()


@dataclass(frozen=True)
class PublicKey:
    raw: bytes

    @property
    def key_id(self) -> str:
        return key_id(self.raw)

    def verify(self, message: bytes, signature: bytes) -> bool:
        """True when `signature` is a valid Ed25519 signature of `message` by this key."""
        try:
            nacl.signing.VerifyKey(self.raw).verify(message, signature)
        except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, ValueError, TypeError):
            return False
        return True

    def to_text(self) -> str:
        return f"{PUBLIC_HEADER} {self.key_id}\n{base64.b64encode(self.raw).decode('ascii')}\n"


class PrivateKey:
    """An Ed25519 signing key. Its repr and str show only the key id."""

    __slots__ = ("_signing",)

    def __init__(self, seed: bytes) -> None:
        if len(seed) != KEY_BYTES:
            raise KeyFileError("a private key seed must be 32 bytes")
        self._signing = nacl.signing.SigningKey(seed)

    @classmethod
    def generate(cls) -> PrivateKey:
        return cls(bytes(nacl.signing.SigningKey.generate()))

    @property
    def public_key(self) -> PublicKey:
        return PublicKey(bytes(self._signing.verify_key))

    @property
    def key_id(self) -> str:
        return self.public_key.key_id

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of `message`."""
        return bytes(self._signing.sign(message).signature)

    def to_text(self) -> str:
        seed = base64.b64encode(bytes(self._signing)).decode("ascii")
        return f"{PRIVATE_HEADER} {self.key_id}\n{seed}\n"

    def __repr__(self) -> str:
        return f"PrivateKey(key_id={self.key_id!r})"

    __str__ = __repr__

    def __reduce__(self) -> str:
        raise TypeError("private keys cannot be pickled")


def _decode_key_line(line: str) -> bytes | None:
    """Strict base64 of 32 bytes: the canonical 44-character form only."""
    if not _KEY_LINE.fullmatch(line):
        return None
    try:
        raw = base64.b64decode(line, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) != KEY_BYTES or base64.b64encode(raw).decode("ascii") != line:
        return None
    return raw


def _split_key_text(text: str, header: str, what: str, name: str) -> tuple[str, bytes]:
    """(key id from the header line, key bytes) of a two-line key file; strict."""
    lines = text.split("\n")
    if len(lines) != 3 or lines[2] != "":
        raise KeyFileError(f"{name}: not a drvls {what} key file (expected two lines ending in a newline)")
    head, body = lines[0], lines[1]
    prefix = header + " "
    if not head.startswith(prefix) or not re.fullmatch(r"[0-9a-f]{16}", head[len(prefix):]):
        raise KeyFileError(f"{name}: not a drvls {what} key file (first line must be "
                        f"'{header} <16 hex digit key id>')")
    raw = _decode_key_line(body)
    if raw is None:
        raise KeyFileError(f"{name}: the {what} key line is not 44 characters of canonical base64")
    return head[len(prefix):], raw


def parse_public_key(text: str, name: str = "public key") -> PublicKey:
    stated_id, raw = _split_key_text(text, PUBLIC_HEADER, "public", name)
    key = PublicKey(raw)
    if key.key_id != stated_id:
        raise KeyFileError(f"{name}: key id in the first line does not match the key (file damaged?)")
    return key


def parse_private_key(text: str, name: str = "private key") -> PrivateKey:
    stated_id, raw = _split_key_text(text, PRIVATE_HEADER, "private", name)
    key = PrivateKey(raw)
    if key.key_id != stated_id:
        raise KeyFileError(f"{name}: key id in the first line does not match the key (file damaged?)")
    return key


def _read_small(path: Path, what: str) -> str:
    """A key file's text, through the bounded reader (regular files only, so a FIFO cannot hang us)."""
    data = read_bounded(path, MAX_KEY_FILE)
    if isinstance(data, ReadProblem):
        if data.kind == "not-regular":
            raise KeyFileError(f"{path}: a {what} key must be a regular file")
        if data.kind == "too-large":
            raise KeyFileError(f"{path}: too large to be a drvls {what} key file")
        raise KeyFileError(f"{path}: cannot read {what} key file: {data.reason}")
    try:
        return data.decode("ascii")
    except UnicodeDecodeError:
        raise KeyFileError(f"{path}: not a drvls {what} key file (not ASCII text)") from None


def load_public_key(path: Path) -> PublicKey:
    return parse_public_key(_read_small(path, "public"), str(path))


def check_private_mode(path: Path, st: os.stat_result) -> None:
    """Refuse a private key that group or others can read or write, as ssh does."""
    if not stat.S_ISREG(st.st_mode):
        raise KeyFileError(f"{path}: a private key must be a regular file")
    if os.name != "posix":
        return
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o077:
        raise KeyFileError(f"{path}: permissions {mode:04o} are too open: the private key must not be "
                           f"accessible by group or others; fix with: chmod 600 {path}")


def load_private_key(path: Path) -> PrivateKey:
    """Load a private key file; its mode is checked on the opened file, so it cannot change in between."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot read private key file: {exc.strerror or type(exc).__name__}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        data = handle.read(MAX_KEY_FILE + 1) if stat.S_ISREG(info.st_mode) else b""
        if data.startswith(PUBLIC_HEADER.encode("ascii")):
            raise KeyFileError(f"{path}: this is a public key; sign with the private key file "
                               "(the `.key` beside it, from `drvls keygen`)")
        check_private_mode(path, info)
    if len(data) > MAX_KEY_FILE:
        raise KeyFileError(f"{path}: too large to be a drvls private key file")
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise KeyFileError(f"{path}: not a drvls private key file (not ASCII text)") from None
    return parse_private_key(text, str(path))


@dataclass(frozen=True)
class KeyPairFiles:
    private: Path
    public: Path
    key_id: str


def _create_exclusive(path: Path, data: bytes, mode: int) -> None:
    """Create `path` (never overwrite), write, fsync; the mode is set before any byte is written."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    try:
        os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def write_key_pair(directory: Path, name: str = DEFAULT_KEY_NAME) -> KeyPairFiles:
    """Generate a key pair into `directory` (created 0700 if absent); refuses to overwrite either file."""
    private_path = directory / (name + PRIVATE_NAME_SUFFIX)
    public_path = directory / (name + PUBLIC_NAME_SUFFIX)
    for path in (private_path, public_path):
        if os.path.lexists(path):
            raise KeyFileError(f"{path} already exists; keys are never overwritten (choose another -o or --name)")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = PrivateKey.generate()
    try:
        _create_exclusive(private_path, key.to_text().encode("ascii"), 0o600)
    except FileExistsError:
        raise KeyFileError(f"{private_path} already exists; keys are never overwritten") from None
    try:
        _create_exclusive(public_path, key.public_key.to_text().encode("ascii"), 0o644)
    except BaseException:
        private_path.unlink(missing_ok=True)
        raise
    return KeyPairFiles(private_path, public_path, key.key_id)
