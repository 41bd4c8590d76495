"""What a file's signature says on its own, before any question of trust."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from drvls.signing.keys import key_id


class Status(Enum):
    """Verdict states, worst-first is not implied; `valid` is the only passing one."""

    VALID = "valid"
    INVALID = "invalid"
    UNTRUSTED = "untrusted"
    MISSING = "missing"
    STALE = "stale"
    LEGACY = "legacy-insecure"


class Kind(Enum):
    """Where the signature lives."""

    EMBEDDED = "embedded"
    DETACHED = "detached"
    LEGACY = "legacy"
    NONE = "none"


@dataclass(frozen=True)
class Evidence:
    """The result of checking a signature against the file's current bytes.

    `status` is VALID (sound over the current content), INVALID, STALE (sound over an earlier
    content), MISSING or LEGACY; trust is decided later, from `public_key`.
    """

    status: Status
    kind: Kind
    reason: str
    public_key: bytes | None = None
    signature_path: Path | None = None
    # False when `public_key` is only what the signature claims: its Ed25519 check failed or could
    # not be made (an embedded signature over content that is gone), so nobody is proven to have signed.
    key_verified: bool = True

    @property
    def key_id(self) -> str | None:
        return key_id(self.public_key) if self.public_key is not None else None


class SigningError(Exception):
    """A file that cannot be signed (damaged, no signature slot, unknown `.sig` in the way)."""
