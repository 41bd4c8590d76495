"""Reading `.drv` files through the native zero-copy decoder.

`open_drv` maps the file read-only and hands the mapping to the C validator through the
buffer protocol: nothing is copied, and nothing is decoded until asked for. The digest is
computed with the `blake3` package over slices of the same mapping. `read_ruleset` decodes
everything into the rule model for decompile, preview and lint.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import blake3

from drvls.drv.model import (
    Activation,
    Category,
    Context,
    Persona,
    Raw,
    Rule,
    RuleKind,
    RuleSet,
    Scope,
    SourceRef,
    Standard,
    Workflow,
    WorkflowStep,
)

try:
    from drvls import _drvnative
except ImportError:  # a source tree without the compiled extension
    _drvnative = None  # type: ignore[assignment]

Source = str | os.PathLike[str] | bytes | bytearray | memoryview
V1_CHECKSUM_AT = 12
V2_DIGEST_AT = 32


class DrvError(ValueError):
    """A file that is not a valid `.drv`: `code` is a status name of docs/drv-format.md §5."""

    def __init__(self, code: str, offset: int, message: str) -> None:
        super().__init__(f"at byte 0x{offset:x}: {message}")
        self.code = code
        self.offset = offset
        self.message = message


class NativeUnavailable(RuntimeError):
    """The C extension `drvls._drvnative` is not built in this installation."""


@dataclass(frozen=True)
class Section:
    type: int
    flags: int
    offset: int
    length: int


def native_available() -> bool:
    return _drvnative is not None


class DrvFile:
    """A validated `.drv` buffer; rules are decoded lazily. Close it (or use `with`) when done."""

    def __init__(self, buffer: Any, mapping: mmap.mmap | None = None,
                 path: str | os.PathLike[str] | None = None) -> None:
        if _drvnative is None:
            raise NativeUnavailable("the native .drv decoder (drvls._drvnative) is not built")
        self._path = path
        self._mapping = mapping
        self._view = memoryview(buffer)
        try:
            self._native = _drvnative.File(self._view)
        except _drvnative.DecodeError as exc:
            self._release()
            _code, name, offset, message = exc.args
            raise DrvError(name, offset, message) from None

    # -- metadata --------------------------------------------------------------------------

    @property
    def path(self) -> Path | None:
        return None if self._path is None else Path(self._path)

    @property
    def version(self) -> int:
        return self._native.version

    @property
    def flags(self) -> int:
        return self._native.flags

    @property
    def section_count(self) -> int:
        """The section count stored in the header."""
        return self._native.section_count

    @property
    def v1_sections(self) -> int:
        """Version 1: how many sections the file holds, the string table included (0 for version 2)."""
        return self._native.v1_sections

    @property
    def rule_count(self) -> int:
        return self._native.rule_count

    @property
    def string_count(self) -> int:
        return self._native.string_count

    @property
    def length(self) -> int:
        return self._native.length

    @property
    def buffer(self) -> memoryview:
        """The file's bytes (a view of the mapping: valid until `close`)."""
        return self._view

    def sections(self) -> list[Section]:
        return [Section(*entry) for entry in self._native.sections()]

    def signature_slot(self) -> tuple[int, int] | None:
        """(offset, length) of the SIGNATURE section (v2), or None when the file has none."""
        return self._native.signature_slot()

    def counts(self) -> dict[str, int]:
        """How many rules of each kind, by lower-case kind name."""
        out = {kind.name.lower(): 0 for kind in RuleKind}
        for rule in self._native.rules():
            out[RuleKind(rule.kind).name.lower()] += 1
        return out

    # -- integrity -------------------------------------------------------------------------

    def digest(self) -> bytes:
        """The digest computed from the bytes: 32 bytes (v2), or the 4-byte v1 checksum."""
        return compute_digest(self._view, self._native.digest_ranges(), self.version)

    def stored_digest(self) -> bytes:
        """The digest stored in the header: bytes 32..64 (v2) or 12..16 (v1)."""
        if self.version == 1:
            return bytes(self._view[V1_CHECKSUM_AT:V1_CHECKSUM_AT + 4])
        return bytes(self._view[V2_DIGEST_AT:V2_DIGEST_AT + 32])

    def digest_ok(self) -> bool:
        return self.digest() == self.stored_digest()

    def verify(self) -> None:
        """Raise `DrvError("DIGEST_MISMATCH")` when the stored digest does not match."""
        computed, stored = self.digest(), self.stored_digest()
        if computed != stored:
            raise digest_error(self.version, stored, computed)

    # -- rules -----------------------------------------------------------------------------

    def rules(self) -> Iterator[Any]:
        """Lazy views of the rules in file order; each attribute read creates its Python value."""
        return self._native.rules()

    def sources(self) -> list[str]:
        return self._native.sources()

    def scopes(self) -> list[Scope]:
        """The SCOPES section's scopes, in order (empty for a file without one)."""
        return [Scope(name, Activation(activation), tuple(globs), description)
                for name, description, globs, activation in self._native.scopes()]

    def ruleset(self) -> RuleSet:
        scopes = self.scopes()
        rules = [to_model(view, scopes) for view in self._native.rules()]
        return RuleSet(rules=rules, sources=self._native.sources())

    # -- lifetime --------------------------------------------------------------------------

    def close(self) -> None:
        native = getattr(self, "_native", None)
        if native is not None:
            native.close()
        self._release()

    def _release(self) -> None:
        """Drop our views and the mapping. If the caller still holds slices of `buffer`, the
        mapping stays valid for them and is unmapped when the last one goes."""
        try:
            self._view.release()
            if self._mapping is not None:
                self._mapping.close()
        except BufferError:
            pass
        self._mapping = None

    def __enter__(self) -> DrvFile:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def compute_digest(view: memoryview, ranges: list[tuple[int, int]], version: int) -> bytes:
    """BLAKE3 over the given ranges of `view`, hashed in place (slices of a memoryview copy nothing)."""
    hasher = blake3.blake3()
    for offset, length in ranges:
        with view[offset:offset + length] as part:
            hasher.update(part)
    digest: bytes = hasher.digest()
    return digest[:4] if version == 1 else digest


def digest_error(version: int, stored: bytes, computed: bytes) -> DrvError:
    if version == 1:
        return DrvError("DIGEST_MISMATCH", V1_CHECKSUM_AT,
                        f"checksum mismatch: stored {stored.hex()}, computed {computed.hex()} "
                        "(the file was changed or damaged)")
    return DrvError("DIGEST_MISMATCH", V2_DIGEST_AT,
                    f"digest mismatch: stored {stored[:8].hex()}…, computed {computed[:8].hex()}… "
                    "(the file was changed or damaged after it was written)")


def v1_checksum_error(view: memoryview) -> DrvError | None:
    """A version 1 file's checksum mismatch (None for a match or another version). Version 1 checks
    its checksum before its structure (docs/drv-format.md §9), so this runs on any bytes."""
    if len(view) < 16 or bytes(view[:4]) != b"DRV\x00" or bytes(view[4:6]) != b"\x01\x00":
        return None
    computed = compute_digest(view, [(16, len(view) - 16)], 1)
    stored = bytes(view[V1_CHECKSUM_AT:V1_CHECKSUM_AT + 4])
    return None if computed == stored else digest_error(1, stored, computed)


def _check_v1_first(view: memoryview) -> None:
    error = v1_checksum_error(view)
    if error is not None:
        raise error


_O_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)


def open_drv(path: str | os.PathLike[str], *, verify: bool = False) -> DrvFile:
    """Map `path` read-only and validate its structure (and its digest when `verify`)."""
    fd = os.open(path, _O_FLAGS)
    try:
        mapping = mmap.mmap(fd, 0, access=mmap.ACCESS_READ) if os.fstat(fd).st_size else None
    finally:
        os.close(fd)
    return _open(b"" if mapping is None else mapping, mapping, path, verify)


def open_bytes(data: bytes | bytearray | memoryview, *, verify: bool = False) -> DrvFile:
    """Validate an in-memory buffer (no copy; keep `data` unchanged while the file is open)."""
    return _open(data, None, None, verify)


def _open(buffer: Any, mapping: mmap.mmap | None, path: str | os.PathLike[str] | None, verify: bool) -> DrvFile:
    if verify:
        try:
            with memoryview(buffer) as view:
                _check_v1_first(view)
        except DrvError:
            if mapping is not None:
                mapping.close()
            raise
    drv = DrvFile(buffer, mapping, path)
    if verify:
        try:
            drv.verify()
        except DrvError:
            drv.close()
            raise
    return drv


def read_ruleset(source: Source, *, verify: bool = True) -> RuleSet:
    """Decode a whole `.drv` (a path or bytes) into the rule model, source files and lines included."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        drv = open_bytes(source, verify=verify)
    else:
        drv = open_drv(source, verify=verify)
    with drv:
        return drv.ruleset()


def _source(view: Any) -> SourceRef:
    return SourceRef(view.source_file, view.line)


def to_model(view: Any, scopes: list[Scope] | None = None) -> Rule:
    """One native rule view → the model dataclass (with its scope, given the file's scopes)."""
    rule = _rule_of(view)
    index = getattr(view, "scope", None)
    if index is not None and scopes:
        rule.scope = scopes[index]
    return rule


def _rule_of(view: Any) -> Rule:
    kind = view.kind
    if kind == RuleKind.PERSONA:
        return Persona(view.name, view.role, view.identity, view.style, view.traits, view.principles,
                       source=_source(view))
    if kind == RuleKind.STANDARD:
        return Standard(Category(view.category), view.priority, view.description, view.pattern,
                        source=_source(view))
    if kind == RuleKind.CONTEXT:
        return Context(view.includes, view.excludes, view.focus, view.dependencies, source=_source(view))
    if kind == RuleKind.WORKFLOW:
        steps = [WorkflowStep(name, description, condition, actions)
                 for name, description, condition, actions in view.steps]
        return Workflow(view.name, steps, source=_source(view))
    return Raw(view.content, source=_source(view))
