"""Which formatter a file has, and the settings every formatter reads (`[format]` in drvls.toml).

Formatters live with their family and are imported only for a file of that family, like the
analyzers; each takes text and settings and returns the formatted text or a `Refused` reason.

An editor asking to format sends its own tab size and whether it inserts spaces. When the
settings (drvls.toml, the user's config, the editor's `drvls` settings) set `indent_width` or
`indent_style`, they win and the editor's options are not used: a repository's style must come
out the same from every editor and from `drvls format --check` in CI. When they set neither,
the editor's choice is used, so a file formats as its editor indents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import PurePath

from drvls.core.config import DEFAULTS_ORIGIN, Settings, merge
from drvls.core.languages import load_function
from drvls.core.schema import Option, Section

DEFAULT_INDENT = 4
DEFAULT_LINE_LENGTH = 120
INDENT_STYLES = ("spaces", "tabs")
FORMATTERS = {
    ".system": "drvls.microkit.format:format_file",
    ".camkes": "drvls.camkes.format:format_file",
    ".idl4": "drvls.camkes.format:format_file",
}


SECTION = Section("format", "Formatting", (
    Option("indent_width", "int", DEFAULT_INDENT, "spaces per nesting level in `drvls format` (with tabs: the "
           "width a tab counts for in `line_length`)"),
    Option("indent_style", "string", INDENT_STYLES[0], "indent with spaces or with one tab per level",
           choices=INDENT_STYLES),
    Option("line_length", "int", DEFAULT_LINE_LENGTH, "`.system`: a start tag longer than this puts each "
           "attribute on its own line"),
), doc="formatting.md")


@dataclass(frozen=True)
class Refused:
    """Why a file was left as it is: formatting it could change what it means."""

    reason: str


Formatter = Callable[[str, Settings], "str | Refused"]


def formatter_for(path: PurePath) -> Formatter | None:
    target = FORMATTERS.get(path.suffix.lower())
    if target is None:
        return None
    formatter: Formatter = load_function(target)
    return formatter


def indent_width(settings: Settings) -> int:
    return _positive(settings.section("format").get("indent_width"), DEFAULT_INDENT, "indent_width")


def line_length(settings: Settings) -> int:
    return _positive(settings.section("format").get("line_length"), DEFAULT_LINE_LENGTH, "line_length")


def uses_tabs(settings: Settings) -> bool:
    return settings.section("format").get("indent_style") == "tabs"


def with_editor_options(settings: Settings, tab_size: int, insert_spaces: bool) -> Settings:
    """The settings, with the editor's tab size and indent style when the settings set neither
    `indent_width` nor `indent_style` (see the module's docstring for why the settings win)."""
    if any(settings.origin(f"format.{key}") != DEFAULTS_ORIGIN for key in ("indent_width", "indent_style")):
        return settings
    editor: dict[str, object] = {"indent_style": "spaces" if insert_spaces else "tabs"}
    if 1 <= tab_size <= 1000:
        editor["indent_width"] = tab_size
    return replace(settings, values=merge(settings.values, {"format": editor}))


def _positive(raw: object, default: int, key: str) -> int:
    if raw is None:
        return default
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= 1000:
        from drvls.core.config import ConfigError

        raise ConfigError(f"format.{key} must be a whole number from 1 to 1000, got {raw!r}")
    return raw
