"""Which formatter a file has, and the settings every formatter reads (`[format]` in drvls.toml).

Formatters live with their family and are imported only for a file of that family, like the
analyzers; each takes text and settings and returns the formatted text or a `Refused` reason.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from drvls.core.config import Settings

DEFAULT_INDENT = 4
DEFAULT_LINE_LENGTH = 120
FORMATTERS = {
    ".system": "drvls.microkit.format:format_file",
    ".camkes": "drvls.camkes.format:format_file",
    ".idl4": "drvls.camkes.format:format_file",
}


@dataclass(frozen=True)
class Refused:
    """Why a file was left as it is: formatting it could change what it means."""

    reason: str


Formatter = Callable[[str, Settings], "str | Refused"]


def formatter_for(path: PurePath) -> Formatter | None:
    target = FORMATTERS.get(path.suffix.lower())
    if target is None:
        return None
    module_name, function = target.split(":")
    formatter: Formatter = getattr(importlib.import_module(module_name), function)
    return formatter


def indent_width(settings: Settings) -> int:
    return _positive(settings.section("format").get("indent_width"), DEFAULT_INDENT, "indent_width")


def line_length(settings: Settings) -> int:
    return _positive(settings.section("format").get("line_length"), DEFAULT_LINE_LENGTH, "line_length")


def _positive(raw: object, default: int, key: str) -> int:
    if raw is None:
        return default
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= 1000:
        from drvls.core.config import ConfigError

        raise ConfigError(f"format.{key} must be a whole number from 1 to 1000, got {raw!r}")
    return raw
