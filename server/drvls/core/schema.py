"""The settings schema: every key drvls reads, with its type, default and meaning, and its CLI flag.

The common keys are declared here; each family declares its own table in a light `options` module
(listed in `core/languages.py`), so the config check, the CLI flags of `drvls check` and
`docs/configuration.md` all come from one declaration per key. Validation is what turns a typo in a
config file or a flag into an error naming the closest valid key or code, as ruff does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

# How a value is written and checked: the config-file type, and how the CLI flag reads it.
Kind = Literal["bool", "int", "number", "address", "string", "strings", "path", "paths", "codes", "patterns"]
KIND_LABELS: dict[str, str] = {
    "bool": "bool", "int": "int", "number": "number", "address": "int or hex string", "string": "string",
    "strings": "list of strings", "path": "folder or file", "paths": "list of folders",
    "codes": "list of codes or prefixes", "patterns": "list of gitignore-style patterns",
}


class ConfigError(Exception):
    """A config file or value that cannot be used; reported, never a traceback."""


class SchemaError(ConfigError):
    """A key, value or code that the schema does not allow; the message names the closest valid one."""


@dataclass(frozen=True)
class Option:
    """One settings key: its type, default and description, and the flag that sets it."""

    key: str
    kind: Kind
    default: Any
    description: str
    choices: tuple[str, ...] = ()
    # The `drvls check` flag for this key (None: config files and editor settings only).
    flag: str | None = None
    metavar: str | None = None
    # Read by the editor only (the language server), ignored by `drvls check`.
    editor_only: bool = False

    @property
    def type_label(self) -> str:
        if self.choices:
            return ", ".join(f"`{c}`" for c in self.choices)
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class Section:
    """One table of the config: `name` None for the top level, else `[name]`."""

    name: str | None
    title: str
    options: tuple[Option, ...]
    doc: str = ""

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)

    def dotted(self, key: str) -> str:
        return f"{self.name}.{key}" if self.name else key


COMMON = Section(None, "Common keys", (
    Option("select", "codes", None, "report only these codes or prefixes (`[\"MK\", \"CK003\"]`; `ALL` = every code)",
           flag="--select", metavar="CODES"),
    Option("ignore", "codes", None, "never report these codes or prefixes", flag="--ignore", metavar="CODES"),
    Option("exclude", "patterns", None, "paths skipped when a folder is walked, by `drvls check` and by the "
           "language server's workspace diagnostics"),
    Option("max_file_size", "int", 16 * 1024 * 1024,
           "larger files get one `DL001` diagnostic and are not analysed", flag="--max-file-size", metavar="BYTES"),
    Option("debounce", "int", 150, "delay in milliseconds between a keystroke and re-analysis", editor_only=True),
    Option("analysis_timeout", "number", 10, "seconds one file's analysis may take; past it the file gets one "
           "`DL006` (0: no budget)"),
    Option("max_diagnostics", "int", 1000, "diagnostics reported per file; the rest are summed up in one `DL007` "
           "(0: no limit)"),
    Option("docs_url", "string", None, "URL template linking each diagnostic to its documentation (`{code}`, "
           "`{code_lower}`)", editor_only=True),
))

# Families' `options` modules, each exposing `SECTION: Section`.
FAMILY_SCHEMA_MODULES = (
    "drvls.microkit.options",
    "drvls.camkes.options",
    "drvls.signing.options",
    "drvls.drv.options",
    "drvls.core.formatting",
)


@cache
def sections() -> tuple[Section, ...]:
    """The common keys and every family table of this build."""
    from drvls.core.languages import import_optional  # here: languages imports config, which imports this

    modules = (import_optional(name) for name in FAMILY_SCHEMA_MODULES)
    return (COMMON, *(m.SECTION for m in modules if m is not None))


def family_sections() -> tuple[Section, ...]:
    return tuple(s for s in sections() if s.name is not None)


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate nearest to `word` (case-insensitive), if any is reasonably near."""
    pool = list(dict.fromkeys(candidates))
    by_upper = {c.upper(): c for c in pool}
    import difflib  # only for a misspelt name: a valid config never pays for it

    hits = difflib.get_close_matches(word.upper(), list(by_upper), n=1, cutoff=0.5)
    return by_upper[hits[0]] if hits else None


def _did_you_mean(word: str, candidates: Iterable[str]) -> str:
    hit = closest(word, candidates)
    return f" (did you mean `{hit}`?)" if hit else ""


def validate(values: dict[str, Any], where: str) -> None:
    """Raise `SchemaError` for the first unknown key or ill-typed value in a settings table."""
    _, problems = clean(values, where)
    if problems:
        raise SchemaError(problems[0])


def clean(values: dict[str, Any], where: str) -> tuple[dict[str, Any], list[str]]:
    """The table without its unknown keys and ill-typed values, and a message for each one dropped
    (for editor settings, which are reported and skipped rather than refused)."""
    tables = {s.name: s for s in family_sections() if s.name is not None}
    kept: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in values.items():
        if key in tables:
            if isinstance(value, dict):
                kept[key] = _clean_section(tables[key], value, where, problems)
            else:
                problems.append(f"{where}: `{key}` must be a table")
        elif (option := COMMON.option(key)) is not None:
            if _keep_value(COMMON, option, value, where, problems):
                kept[key] = value
        else:
            top = [o.key for o in COMMON.options] + [*tables]
            problems.append(f"{where}: unknown key `{key}`{_did_you_mean(key, top + _all_dotted())}")
    return kept, problems


def _all_dotted() -> list[str]:
    return [s.dotted(o.key) for s in family_sections() for o in s.options]


def _clean_section(section: Section, values: dict[str, Any], where: str, problems: list[str]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for key, value in values.items():
        option = section.option(key)
        if option is None:
            hit = closest(key, [o.key for o in section.options])
            hint = f" (did you mean `{section.dotted(hit)}`?)" if hit else ""
            problems.append(f"{where}: unknown key `{section.dotted(key)}`{hint}")
        elif _keep_value(section, option, value, where, problems):
            kept[key] = value
    return kept


def _keep_value(section: Section, option: Option, value: Any, where: str, problems: list[str]) -> bool:
    """True when the value may be kept; otherwise a message is added to `problems`."""
    try:
        check_value(section, option, value, where)
    except SchemaError as exc:
        problems.append(str(exc))
        return False
    return True


def check_value(section: Section, option: Option, value: Any, where: str) -> None:
    if value is None:
        return
    name = section.dotted(option.key)
    if option.choices:  # `version = 2.3` (a TOML float) means "2.3"
        if str(value) not in option.choices:
            raise SchemaError(f"{where}: `{name}` = {value!r} is not one of {', '.join(option.choices)}"
                              f"{_did_you_mean(str(value), option.choices)}")
        return
    ok = {
        "bool": lambda v: isinstance(v, bool),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "address": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or isinstance(v, str),
        "string": lambda v: isinstance(v, str),
        "path": lambda v: isinstance(v, str),
        "strings": _string_list, "paths": _string_list, "codes": _string_list, "patterns": _string_list,
    }[option.kind](value)
    if not ok:
        raise SchemaError(f"{where}: `{name}` must be of type {option.type_label}, "
                          f"not {type(value).__name__} {value!r}")
    if option.kind == "codes":
        check_selectors(value, f"{where}: `{name}`")


def _string_list(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


LOOKALIKE = str.maketrans("OIL", "011")


def check_selectors(selectors: str | Sequence[str], where: str) -> None:
    """Every selector must be `ALL`, a rule code or a prefix of one (`MK`, `MK1`); else name the closest."""
    from drvls.core.rules import all_rules  # the registry loads every family's code table

    codes = [r.code for r in all_rules()]
    for raw in [selectors] if isinstance(selectors, str) else selectors:
        selector = raw.strip()
        if selector == "ALL" or (selector and any(code.startswith(selector) for code in codes)):
            continue
        raise SchemaError(f"{where}: unknown rule code or prefix `{selector}`{_closest_code(selector, codes)}")


def _closest_code(selector: str, codes: list[str]) -> str:
    """A full code when one is near (`MK11O` → `MK110`), else a prefix (`MKK` → `MK`). Letters that
    look like digits are compared as those digits, so a typed `O` finds the `0` it stands for."""
    by_upper = {c.upper().translate(LOOKALIKE): c for c in codes}
    import difflib

    hits = difflib.get_close_matches(selector.upper().translate(LOOKALIKE), list(by_upper), n=1, cutoff=0.7)
    if hits:
        return f" (did you mean `{by_upper[hits[0]]}`?)"
    prefixes = sorted({code[:n] for code in codes for n in range(2, len(code))})
    return _did_you_mean(selector, [*prefixes, "ALL"])
