"""`drvls check` flags made from the settings schema, and read back into the same keys a config file uses.

One declaration per key (`core/schema.py` and the families' `options` modules) gives the flag, its help,
its conversion and the config key, so precedence is a plain merge of layers.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from drvls.cli.errors import UsageError
from drvls.core.schema import Option, Section, check_selectors, sections


def dest(section: Section, option: Option) -> str:
    return f"opt_{section.name or 'common'}_{option.key}"


def add_schema_flags(parser: argparse.ArgumentParser) -> None:
    """Every schema key that has a flag, grouped by family."""
    for section in sections():
        group = parser if section.name is None else parser.add_argument_group(section.title)
        for option in section.options:
            if option.flag is None or option.editor_only:
                continue
            _add(group, section, option)


def _add(group: Any, section: Section, option: Option) -> None:
    help_text = option.description.replace("%", "%%")
    if option.default is not None and option.kind != "bool":
        help_text += f" (default: {option.default})"
    common: dict[str, Any] = {"dest": dest(section, option), "help": help_text, "default": None}
    if option.kind == "bool":
        group.add_argument(option.flag, action=argparse.BooleanOptionalAction, **common)
    elif option.kind in ("paths", "strings", "codes", "patterns"):
        group.add_argument(option.flag, action="append", metavar=option.metavar or "VALUE", **common)
    elif option.kind == "int":
        group.add_argument(option.flag, type=int, metavar=option.metavar or "N", **common)
    elif option.choices:
        group.add_argument(option.flag, choices=option.choices, metavar=option.metavar, **common)
    else:
        group.add_argument(option.flag, metavar=option.metavar or option.key.upper(), **common)


def settings_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """Flags → a settings table (None = not given), converted as a config file would hold them."""
    out: dict[str, Any] = {}
    for section in sections():
        table = out if section.name is None else out.setdefault(section.name, {})
        for option in section.options:
            if option.flag is None or option.editor_only:
                continue
            raw = getattr(args, dest(section, option), None)
            if raw is not None:
                table[option.key] = _convert(option, raw)
    return out


def _convert(option: Option, raw: Any) -> Any:
    flag = option.flag
    if option.kind == "codes":
        codes = [c.strip() for value in raw for c in value.split(",") if c.strip()]
        check_selectors(codes, str(flag))
        return codes
    if option.kind == "paths":
        return [str(Path(v).resolve()) for v in raw]
    if option.kind == "path":
        return str(Path(raw).resolve())
    if option.kind == "address":
        try:
            return int(raw, 16 if raw.lower().startswith("0x") else 10)
        except ValueError as exc:
            raise UsageError(f"{flag}: not a number: {raw}") from exc
    return raw
