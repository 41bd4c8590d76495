"""Upstream `driven`'s detached signatures: a raw 64-byte `<file>.drv.sig`.

Upstream's "Ed25519" is BLAKE3(secret ‖ data) ‖ BLAKE3(that): a keyed hash nobody else can
check, from a secret derived from the clock and the process id. Such a file proves nothing, so
it is reported as an insecure legacy signature, never as valid and never as garbage.
"""

from __future__ import annotations

from pathlib import Path

LEGACY_SIZE = 64
REASON = ("upstream's raw 64-byte .drv.sig: an insecure keyed hash that proves nothing; "
          "re-sign with `drvls sign`")


def is_legacy(sig_path: Path, raw: bytes) -> bool:
    """A `<name>.drv.sig` of exactly 64 bytes that is not a drvls signature."""
    return sig_path.name.endswith(".drv.sig") and len(raw) == LEGACY_SIZE and not raw.startswith(b"drvls-")
