"""Drift between a `.drv` and the assistant files generated from it, as diagnostics.

The same comparison as `drvls emit --check`, seen from either side: on a generated file (`RUL012`
hand-edited, `RUL013` stale, each with a fix that puts back the generated text) and on the source
(`RUL014`, when `[rules] targets` names targets whose files are missing, stale or edited). Other
files are read with the one bounded reader and returned as dependencies, so editors re-check.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from drvls.core.diagnostics import Diagnostic, Fix, Position, Range, TextEdit
from drvls.core.engine import make
from drvls.core.reading import ReadProblem, read_bounded
from drvls.drv import codes
from drvls.drv.emit.plan import Generated, Source, plan_target
from drvls.drv.emit.targets import TARGETS
from drvls.drv.model import RuleSet
from drvls.drv.sources.emitted import EmitHeader, find_header, is_hand_edited


def output_root(path: Path, header: EmitHeader) -> Path | None:
    """The folder `drvls emit` wrote into: `path` minus the header's own relative path."""
    rel = PurePosixPath(header.path).parts
    if not rel or ".." in rel or path.parts[-len(rel):] != rel:
        return None
    return Path(*path.parts[:-len(rel)]) if len(path.parts) > len(rel) else Path(".")


def source_ruleset(data: bytes, label: str) -> tuple[RuleSet, Source] | None:
    """The rules, digest and key of a `.drv`'s bytes; None when it is not a valid version 2 file."""
    from drvls.drv.preview import signature_state
    from drvls.drv.reader import DrvError, NativeUnavailable, open_bytes

    try:
        with open_bytes(data, verify=True) as drv:
            if drv.version != 2:
                return None
            ruleset, digest, slot = drv.ruleset(), drv.stored_digest().hex(), drv.signature_slot()
    except (DrvError, NativeUnavailable):
        return None
    signature = signature_state(data, slot)
    return ruleset, Source(label, digest, signature.key_id if signature.state == "signed" else None)


def whole_text(text: str) -> Range:
    lines = text.split("\n")
    return Range(Position(0, 0), Position(len(lines) - 1, len(lines[-1])))


def header_range(text: str, header: EmitHeader) -> Range:
    line = text.split("\n")[header.line]
    return Range(Position(header.line, 0), Position(header.line, len(line)))


def expected_file(header: EmitHeader, root: Path) -> tuple[Generated | None, str | None, Path]:
    """What the source generates today at the header's path, or why that cannot be known."""
    source_path = Path(os.path.normpath(root / header.source))
    if header.target not in TARGETS:
        return None, f"names an unknown target {header.target!r}", source_path
    data = read_bounded(source_path)
    if isinstance(data, ReadProblem):
        return None, f"its source {header.source} cannot be read ({data.reason})", source_path
    loaded = source_ruleset(data, header.source)
    if loaded is None:
        return None, f"its source {header.source} is not a valid version 2 .drv file", source_path
    files, _dropped = plan_target(TARGETS[header.target], *loaded)
    found = next((g for g in files if g.path == header.path), None)
    if found is None:
        return None, f"{header.source} no longer generates it (run `drvls emit` to remove it)", source_path
    return found, None, source_path


def generated_file_drift(path: Path, text: str) -> tuple[list[Diagnostic], frozenset[Path]]:
    """Diagnostics for a file written by `drvls emit`, and the files they depend on."""
    header = find_header(text)
    root = None if header is None else output_root(path, header)
    if header is None or root is None:
        return [], frozenset()
    expected, problem, source_path = expected_file(header, root)
    where, depends = header_range(text, header), frozenset({source_path})
    if expected is None:
        return [make(codes.GENERATED_STALE, f"this generated file is stale: {problem}", where)], depends
    if expected.text == text:
        return [], depends
    fix = Fix(f"Regenerate from {header.source}", (TextEdit(whole_text(text), expected.text),))
    if is_hand_edited(text, header):
        message = (f"this file was generated from {header.source} and then edited by hand; edit the source "
                   "and run `drvls emit` (regenerating discards the edits)")
        return [make(codes.GENERATED_EDITED, message, where, fixes=(fix,))], depends
    message = f"this generated file is stale: {header.source} has changed since; run `drvls emit`"
    return [make(codes.GENERATED_STALE, message, where, fixes=(fix,))], depends


def targets_drift(drv_path: Path, data: bytes, targets: Sequence[str], root: Path) -> tuple[list[Diagnostic],
                                                                                              frozenset[Path]]:
    """One diagnostic on the source naming every target file that is missing, stale or edited."""
    from drvls.drv.emit.apply import survey
    from drvls.drv.emit.source import source_label

    loaded = source_ruleset(data, source_label(drv_path, root))
    names = [t for t in targets if t in TARGETS]
    if loaded is None or not names:
        return [], frozenset()
    _plan, states = survey(root, loaded[0], loaded[1], names)
    depends = frozenset(root / s.path for s in states)
    drift = [s for s in states if s.status.name != "CURRENT"]
    if not drift:
        return [], depends
    listed = ", ".join(f"{s.path} ({s.status.value})" for s in drift[:8]) + (" …" if len(drift) > 8 else "")
    message = f"{len(drift)} generated assistant file(s) are out of date: {listed}; run `drvls emit {drv_path.name}`"
    return [make(codes.TARGETS_STALE, message)], depends
