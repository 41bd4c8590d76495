"""One verdict per file: valid, invalid, untrusted, missing, stale or legacy-insecure.

`.drv` v2 files are judged by their embedded SIGNATURE section; when it is all zero (or for
any other file) by the detached `FILE.sig`, which may also be upstream's legacy raw signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drvls.core.reading import ReadProblem, read_bounded
from drvls.signing import detached, drv_embedded
from drvls.signing.evidence import Evidence, Kind, Status
from drvls.signing.trust import Origin, TrustedKey, TrustStore


@dataclass(frozen=True)
class Verdict:
    path: Path
    status: Status
    kind: Kind
    reason: str
    key_id: str | None = None
    trusted_by: TrustedKey | None = None
    key_verified: bool = True  # False: `key_id` is only what the signature claims (see Evidence)

    @property
    def ok(self) -> bool:
        """Valid from a key the user trusts: a key only the repository names never counts."""
        return self.status is Status.VALID and not self.repository_only

    @property
    def repository_only(self) -> bool:
        """Valid, but vouched for only by the repository's own config."""
        return self.trusted_by is not None and self.trusted_by.origin is Origin.REPOSITORY

    def line(self) -> str:
        """One human-readable line: `PATH: STATUS — details`."""
        parts = [self.reason]
        if self.key_id:
            claimed = "" if self.key_verified else ", claimed, not verified"
            parts.append(f"key {self.key_id} ({self.kind.value}{claimed})")
        if self.trusted_by is not None:
            parts.append(self.trusted_by.describe())
        if self.repository_only:
            parts.append("does not count: a key only the repository names is never trusted")
        return f"{self.path}: {self.status.value} — {'; '.join(parts)}"

    def to_json(self) -> dict[str, Any]:
        trusted = None
        if self.trusted_by is not None:
            trusted = {"origin": self.trusted_by.origin.value, "location": str(self.trusted_by.location),
                       "repository_only": self.repository_only}
        return {"path": str(self.path), "status": self.status.value, "kind": self.kind.value,
                "reason": self.reason, "key_id": self.key_id,
                "key_verified": self.key_verified if self.key_id else None, "trusted_by": trusted}


def evidence_for(path: Path, data: bytes) -> Evidence:
    """What the signature of `path` (whose current bytes are `data`) says, trust aside."""
    if drv_embedded.applies(path, data):
        embedded = drv_embedded.check_bytes(data)
        if embedded is not None:
            return embedded
    return detached.check_file(path, data)


def judge(path: Path, evidence: Evidence, trust: TrustStore) -> Verdict:
    """Turn evidence into a verdict: a sound signature is valid only from a trusted key."""
    key_id = evidence.key_id
    if evidence.status is not Status.VALID or evidence.public_key is None:
        return Verdict(path, evidence.status, evidence.kind, evidence.reason, key_id,
                       key_verified=evidence.key_verified)
    trusted = trust.lookup(evidence.public_key)
    if trusted is None:
        return Verdict(path, Status.UNTRUSTED, evidence.kind,
                       "signature verifies, but the key is not trusted", key_id)
    return Verdict(path, Status.VALID, evidence.kind, "signature verifies", key_id, trusted)


def verify_bytes(path: Path, data: bytes, trust: TrustStore) -> Verdict:
    return judge(path, evidence_for(path, data), trust)


def verify_file(path: Path, trust: TrustStore) -> Verdict:
    data = read_bounded(path)
    if isinstance(data, ReadProblem):
        return Verdict(path, Status.INVALID, Kind.NONE, f"cannot read file: {data.reason}")
    return verify_bytes(path, data, trust)
