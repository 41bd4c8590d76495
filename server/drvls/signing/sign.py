"""Signing one file: embedded for `.drv` v2, a detached `FILE.sig` for anything else."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from drvls.core.reading import ReadProblem, read_head
from drvls.signing import detached, drv_embedded
from drvls.signing.evidence import Kind, SigningError
from drvls.signing.keys import PRIVATE_HEADER, PrivateKey

PRIVATE_KEY_MAGIC = PRIVATE_HEADER.encode("ascii")
HEADER_PEEK = len(PRIVATE_KEY_MAGIC)


@dataclass(frozen=True)
class Signed:
    path: Path
    kind: Kind
    written: Path  # the file that was rewritten or created
    key_id: str


def _peek(path: Path) -> bytes:
    head = read_head(path, HEADER_PEEK)
    if isinstance(head, ReadProblem):
        if "folder" in head.reason:
            raise SigningError(f"{path} is a folder; name the files to sign")
        raise SigningError(f"cannot read {path}: {head.reason}")
    return head


def sign_path(path: Path, key: PrivateKey) -> Signed:
    """Sign `path` with `key`; `.drv` v2 files are rewritten in place (atomically, same mode)."""
    head = _peek(path)
    if head.startswith(PRIVATE_KEY_MAGIC):  # a `.sig` beside it would publish a digest of the secret
        raise SigningError(f"{path} is a drvls private key; it is never signed")
    embedded = drv_embedded.applies(path, head)
    if path.suffix.lower() == ".drv" and not embedded:  # embedded signing validates the file itself
        _refuse_invalid_drv(path)
    try:
        if embedded:
            drv_embedded.sign_file(path, key)
            return Signed(path, Kind.EMBEDDED, path, key.key_id)
        return Signed(path, Kind.DETACHED, detached.sign_file(path, key), key.key_id)
    except OSError as exc:
        raise SigningError(f"cannot sign {path}: {exc.strerror or type(exc).__name__}") from None


def _refuse_invalid_drv(path: Path) -> None:
    """A signature vouches for a file: a `.drv` that does not decode is never signed, in either form."""
    from drvls.core.config import Settings
    from drvls.core.diagnostics import Severity
    from drvls.core.engine import check_path
    from drvls.core.languages import AnalysisContext, DiskWorkspace

    ctx = AnalysisContext(settings=Settings(values={"signing": {"show_state": False}}), workspace=DiskWorkspace())
    errors = [d for d in check_path(path, ctx, named=True).diagnostics if d.severity >= Severity.ERROR]
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise SigningError(f"not a valid .drv file (damaged or not a .drv): {first.code} {first.message}{more}; "
                           "nothing written")
