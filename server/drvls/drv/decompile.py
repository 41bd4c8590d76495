"""`drvls decompile FILE`: a `.drv` file → decompiled Markdown that compiles back to the same bytes.

The Markdown is the exact text form of `drvls.drv.sources.canonical`; the signature section is
not part of it (compile writes an unsigned file).
"""

from __future__ import annotations

from pathlib import Path

from drvls.drv.model import RuleSet
from drvls.drv.sources.canonical import render


class DecompileError(Exception):
    """A file that cannot be decompiled (not a valid `.drv`, damaged): exit status 1."""


class DecoderMissing(Exception):
    """The native decoder is not built in this installation."""


def read_drv(path: Path) -> RuleSet:
    """The verified rule set of a `.drv` file; a damaged or invalid file is a DecompileError."""
    from drvls.drv.reader import DrvError, NativeUnavailable, read_ruleset

    try:
        return read_ruleset(path, verify=True)
    except DrvError as exc:
        raise DecompileError(f"{path}: not a valid .drv file: {exc}") from None
    except NativeUnavailable as exc:
        raise DecoderMissing(str(exc)) from None
    except OSError as exc:
        raise DecompileError(f"{path}: cannot read: {exc.strerror or exc}") from None


def decompile_ruleset(ruleset: RuleSet) -> str:
    return render(ruleset)


def decompile_path(path: Path) -> str:
    return render(read_drv(path))
