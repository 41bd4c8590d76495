"""The `.drv` being emitted: its verified rules, its digest and (when signed) its key id."""

from __future__ import annotations

import os
from pathlib import Path

from drvls.drv.emit.plan import Source
from drvls.drv.model import RuleSet


class EmitError(Exception):
    """A source that cannot be emitted (unreadable, not a valid `.drv`): exit status 1."""


def source_label(drv: Path, root: Path) -> str:
    """The source as the generated files name it: relative to the output folder, `/`-separated."""
    return Path(os.path.relpath(drv.absolute(), root.absolute())).as_posix()


def load_source(drv: Path, root: Path) -> tuple[RuleSet, Source]:
    from drvls.drv.preview import signature_state
    from drvls.drv.reader import DrvError, NativeUnavailable, open_bytes

    try:
        data = drv.read_bytes()
    except OSError as exc:
        raise EmitError(f"{drv}: cannot read: {exc.strerror or exc}") from None
    try:
        with open_bytes(data, verify=True) as file:
            if file.version != 2:
                raise EmitError(f"{drv}: a version 1 file; recompile its sources to version 2 first")
            ruleset, digest, slot = file.ruleset(), file.stored_digest().hex(), file.signature_slot()
    except DrvError as exc:
        raise EmitError(f"{drv}: not a valid .drv file: {exc}") from None
    except NativeUnavailable as exc:
        raise EmitError(str(exc)) from None
    signature = signature_state(data, slot)
    key = signature.key_id if signature.state == "signed" else None
    return ruleset, Source(source_label(drv, root), digest, key)
