"""`drvls compile SRC... -o OUT`: rule sources → one rule set → a `.drv` v2 file.

Identical inputs give identical bytes. The output is written to a temp file next to it and
renamed, so a failed compile never leaves a partial file, and it may not be one of the inputs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from drvls.core.atomic import atomic_write_bytes
from drvls.core.diagnostics import Diagnostic, Severity
from drvls.drv.model import RuleSet
from drvls.drv.sources.parse import ParsedSource, format_for, parse_source

DRV_MAGIC = b"DRV\x00"


class InputError(Exception):
    """An input that cannot be compiled (unreadable, not text, rule-source errors): exit status 1."""


class OutputError(Exception):
    """An output that may not be written (it is an input, or a folder): a usage problem."""


@dataclass
class Loaded:
    ruleset: RuleSet
    # Problems per input label, errors and warnings alike, for the caller to print.
    problems: list[tuple[str, Diagnostic]] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(d.severity >= Severity.ERROR for _label, d in self.problems)


def label_for(path: Path, cwd: Path) -> str:
    """The name recorded in the rules: as given (normalised, `/`-separated), relative to `cwd` if absolute."""
    if path.is_absolute():
        try:
            return path.relative_to(cwd).as_posix()
        except ValueError:
            return path.as_posix()
    return Path(os.path.normpath(path)).as_posix()


def read_text(path: Path) -> str:
    """A source's text; binary files, `.drv` files and bad UTF-8 are input errors, with a plain reason."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if data.startswith(DRV_MAGIC):
        raise InputError(f"{path}: this is a compiled .drv file, not a rule source "
                         "(run `drvls decompile` on it first)")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(f"{path}: NUL byte at offset {nul}: this looks like a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 at byte {exc.start}") from None


def load_sources(paths: Sequence[Path], cwd: Path | None = None) -> Loaded:
    """Parse every source in the order given into one rule set. Files written by `drvls emit` are
    grouped by the source they name, and each source's rules are taken once, where its first file is."""
    from drvls.drv.emit.importing import merge_generated

    cwd = cwd or Path.cwd()
    loaded = Loaded(RuleSet())
    order: list[tuple[str, ParsedSource] | str] = []
    generated: dict[str, list[tuple[str, ParsedSource]]] = {}
    for path in paths:
        text = read_text(path)
        label = label_for(path, cwd)
        parsed = parse_source(text, label, format_for(path, text))
        loaded.problems.extend((label, d) for d in parsed.problems)
        if parsed.generated is None:
            order.append((label, parsed))
            continue
        if parsed.generated.source not in generated:
            order.append(parsed.generated.source)
        generated.setdefault(parsed.generated.source, []).append((label, parsed))
    for item in order:
        if isinstance(item, str):
            merged = merge_generated(generated[item])
            loaded.ruleset.rules.extend(merged.rules)
            loaded.ruleset.sources.extend(merged.sources)
            loaded.problems.extend(merged.problems)
        else:
            loaded.ruleset.rules.extend(item[1].rules)
            loaded.ruleset.sources.extend(item[1].sources)
    return loaded


def same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return a.absolute() == b.absolute()


def check_output(output: Path, inputs: Sequence[Path]) -> None:
    """Refuse to write over an input or onto a folder."""
    if output.is_dir():
        raise OutputError(f"{output} is a folder; name the output file")
    for path in inputs:
        if same_file(output, path) or output.absolute() == path.absolute():
            raise OutputError(f"refusing to write over the input {path}; choose another output file")


def expand_sources(paths: Sequence[Path]) -> list[Path]:
    """Named files as given; a folder becomes the rule sources in it, picked by file name only
    (never "every .md"), honouring `.gitignore`, in a stable order."""
    from drvls.core.discovery import iter_files
    from drvls.drv.sources.detect import format_by_name

    out: list[Path] = []
    for path in paths:
        if not path.is_dir():
            out.append(path)
            continue
        found = [p for p in iter_files([path]) if format_by_name(p) is not None]
        if not found:
            raise InputError(f"{path}: no rule sources in this folder (they are found by name, "
                             "e.g. .cursorrules or CLAUDE.md; name other files explicitly)")
        out.extend(found)
    return out


def compile_sources(paths: Sequence[Path], output: Path, cwd: Path | None = None) -> Loaded:
    """Compile and write; raises InputError / OutputError, and writes nothing when a source has errors."""
    from drvls.drv.encoder import EncodeError, encode

    check_output(output, paths)
    paths = expand_sources(paths)
    check_output(output, paths)
    loaded = load_sources(paths, cwd)
    if loaded.has_errors:
        return loaded
    try:
        data = encode(loaded.ruleset)
    except EncodeError as exc:
        raise InputError(f"cannot encode these rules: {exc}") from None
    try:
        atomic_write_bytes(output, data)
    except OSError as exc:
        raise OutputError(f"cannot write {output}: {exc.strerror or exc}") from None
    return loaded
