"""Settings, from several layers: CLI flags > LSP settings > the user's config > the repository's
drvls.toml or [tool.drvls] of pyproject.toml.

Keys are normalised to snake_case so `search-path`, `search_path` and `searchPath` mean the same.
Each language reads its own table (`[microkit]`, `[camkes]`, `[signing]`) through `Settings.section`;
the common keys live at the top level. Every layer is checked against the schema (`core/schema.py`)
before it is merged, and the settings remember which layer set each key (for `-v` and for messages
that depend on a setting). Both faces resolve settings here, so the CLI and the server agree.

A repository is not trusted: settings that run a program or widen trust (`TRUST_RELEVANT`) are
taken only from the user's own config (`$XDG_CONFIG_HOME/drvls/drvls.toml`), the CLI or the
editor; a repository's value is dropped and named in `Settings.ignored_settings` for one warning.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drvls.core.reading import ReadProblem, read_bounded
from drvls.core.schema import ConfigError, validate

DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024
DEFAULT_ANALYSIS_TIMEOUT = 10.0  # seconds; 0 turns the budget off
DEFAULT_MAX_DIAGNOSTICS = 1000  # per file; 0 for no limit
CONFIG_FILE_NAMES = ("drvls.toml", "pyproject.toml")
__all__ = ["ConfigError", "Layer", "Settings", "layers_for", "load_settings", "resolve"]

USER_CONFIG_NAME = "drvls.toml"
MAX_CONFIG_SIZE = 1024 * 1024
# (table, key) of settings a repository may not set: each runs a program, names a key to sign
# with, or says which keys are trusted. Only the user's config, the CLI or the editor set them.
TRUST_RELEVANT: tuple[tuple[str, str], ...] = (
    ("camkes", "cpp"),
    ("signing", "trusted_keys"),
    ("signing", "key"),
)


def normalise_key(key: str) -> str:
    key = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key)
    return key.replace("-", "_").lower()


def normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {normalise_key(str(k)): normalise(v) for k, v in value.items()}
    return value


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Deep merge; `None` in `over` means "not set" and keeps the base value."""
    out = dict(base)
    for key, value in over.items():
        if value is None:
            continue
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


DEFAULTS_ORIGIN = "defaults"


@dataclass(frozen=True)
class Layer:
    """One source of settings: its name as the user knows it (a file name, "command line"), its table,
    and the config file it came from (relative paths in it are relative to that file)."""

    name: str
    values: dict[str, Any]
    path: Path | None = None
    ignored: tuple[str, ...] = ()  # trust-relevant settings the file set, dropped ("camkes.cpp")
    user_file: Path | None = None  # the user's own config file (its paths are already absolute)


@dataclass(frozen=True)
class Settings:
    """The merged settings for one file, with where each key came from (for `-v` and messages)."""

    values: dict[str, Any] = field(default_factory=dict)
    config_file: Path | None = None
    # Dotted key (`select`, `microkit.arch`) → the name of the layer that set it.
    origins: dict[str, str] = field(default_factory=dict)
    # Trust-relevant settings the repository's config file set and that were ignored ("camkes.cpp").
    ignored_settings: tuple[str, ...] = ()
    # The user's own config file, when one was read.
    user_config_file: Path | None = None

    @property
    def select(self) -> tuple[str, ...]:
        return tuple(str(s) for s in self.values.get("select") or ())

    @property
    def ignore(self) -> tuple[str, ...]:
        return tuple(str(s) for s in self.values.get("ignore") or ())

    @property
    def max_file_size(self) -> int:
        return int(self.values.get("max_file_size") or DEFAULT_MAX_FILE_SIZE)

    @property
    def max_diagnostics(self) -> int | None:
        """Diagnostics kept per file (`max-diagnostics`): a hostile file must not flood an editor."""
        limit = self._positive("max_diagnostics", DEFAULT_MAX_DIAGNOSTICS)
        return None if limit is None or limit == float("inf") else int(limit)

    @property
    def analysis_timeout(self) -> float | None:
        """Seconds one file's analysis may take (`analysis-timeout`); None for no limit."""
        return self._positive("analysis_timeout", DEFAULT_ANALYSIS_TIMEOUT)

    def _positive(self, key: str, default: float) -> float | None:
        """A numeric limit; 0 or less means none, and a value that is no number means the default."""
        try:
            value = float(self.values.get(key, default))
        except (TypeError, ValueError):
            value = default
        return value if value > 0 else None

    def section(self, name: str) -> dict[str, Any]:
        value = self.values.get(name)
        return dict(value) if isinstance(value, dict) else {}

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def origin(self, key: str) -> str:
        """Which layer set a dotted key (`microkit.arch`), or "defaults"."""
        return self.origins.get(key, DEFAULTS_ORIGIN)

    def describe(self) -> str:
        """The settings that differ from the defaults, with where each came from (for `-v`)."""
        parts = [f"{key}={_value_at(self.values, key)!r} ({origin})" for key, origin in sorted(self.origins.items())]
        return ", ".join(parts) if parts else "defaults only"

    def relative_to_config(self, raw: str) -> Path:
        """Paths in a config file are relative to that file's folder."""
        path = Path(raw).expanduser()
        if not path.is_absolute() and self.config_file is not None:
            return self.config_file.parent / path
        return path


def find_config_file(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest drvls.toml, or pyproject.toml with a [tool.drvls] table, upward from `start`."""
    folder = start if start.is_dir() else start.parent
    for directory in (folder, *folder.parents):
        for name in CONFIG_FILE_NAMES:
            candidate = directory / name
            if not candidate.is_file():
                continue
            table = read_config_file(candidate)
            if table is not None:
                return candidate, table
    return None


def read_config_file(path: Path) -> dict[str, Any] | None:
    """The drvls table of a config file; None for a pyproject.toml without [tool.drvls]."""
    import tomllib  # only once a config file is found: a run without one does not pay for the parser

    raw = read_bounded(path, MAX_CONFIG_SIZE)
    if isinstance(raw, ReadProblem):
        raise ConfigError(f"{path.name}: cannot read config: {raw.reason}")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path.name}: cannot read config: {exc}") from exc
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("drvls")
        return dict(normalise(table)) if isinstance(table, dict) else None
    return dict(normalise(data))


def user_config_path() -> Path:
    """`$XDG_CONFIG_HOME/drvls/drvls.toml`, else `~/.config/drvls/drvls.toml` (outside any repository)."""
    base = os.environ.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / "drvls" / USER_CONFIG_NAME


def read_user_config() -> tuple[Path, dict[str, Any]] | None:
    """The user's own settings, when the file exists; relative paths in it are made absolute."""
    path = user_config_path()
    if not path.is_file():
        return None
    table = read_config_file(path) or {}
    return path, absolute_trust_paths(table, path.parent)


def absolute_trust_paths(table: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Trust-relevant paths written relative to the user's config folder, anchored there."""
    out = dict(table)
    signing = out.get("signing")
    if isinstance(signing, dict):
        signing = dict(signing)
        for key in ("trusted_keys", "key"):
            value = signing.get(key)
            if isinstance(value, str):
                signing[key] = _anchor(value, folder)
            elif isinstance(value, list):
                signing[key] = [_anchor(str(v), folder) for v in value]
        out["signing"] = signing
    return out


def _anchor(raw: str, folder: Path) -> str:
    try:
        path = Path(raw).expanduser()
    except RuntimeError:  # `~nosuchuser`: left as written, it reads as a missing path
        path = Path(raw)
    return str(path if path.is_absolute() else folder / path)


def without_trust_relevant(table: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """A repository's table minus every trust-relevant setting, and the names of those it set."""
    out = dict(table)
    dropped: list[str] = []
    for section, key in TRUST_RELEVANT:
        inner = out.get(section)
        if isinstance(inner, dict) and key in inner:
            inner = dict(inner)
            del inner[key]
            out[section] = inner
            dropped.append(f"{section}.{key}")
    return out, tuple(dropped)


def ignored_setting_warning(settings: Settings) -> str | None:
    """The one warning for trust-relevant settings a repository tried to set; None when it set none."""
    if not settings.ignored_settings or settings.config_file is None:
        return None
    names = ", ".join(f"`{name}`" for name in settings.ignored_settings)
    return (f"{settings.config_file}: ignored {names}: a repository's config may not run programs or "
            f"choose trusted or signing keys; set it in {user_config_path()}, on the command line or in "
            "the editor's user settings")


def load_settings(
    file: Path | None,
    cli: dict[str, Any] | None = None,
    editor: dict[str, Any] | None = None,
    config_path: Path | None = None,
    user: bool = True,
) -> Settings:
    """Settings for one file: the config file found from it (or `config_path`) without its trust-relevant
    settings, then the user's config (unless `user` is False), then editor, then CLI."""
    return resolve(layers_for(file, cli=cli, editor=editor, config_path=config_path, user=user))


def layers_for(
    file: Path | None,
    cli: dict[str, Any] | None = None,
    editor: dict[str, Any] | None = None,
    config_path: Path | None = None,
    user: bool = True,
) -> list[Layer]:
    """The layers for one file, lowest first; a new source of settings is one more entry here."""
    layers: list[Layer] = []
    if config_path is not None:
        layers.append(Layer(config_path.name, read_config_file(config_path) or {}, config_path))
    elif file is not None:
        hit = find_config_file(file)
        if hit is not None:
            layers.append(Layer(hit[0].name, hit[1], hit[0]))
    if layers:  # the repository's file: never a program to run or a key to trust
        repo = layers[-1]
        values, ignored = without_trust_relevant(repo.values)
        layers[-1] = Layer(repo.name, values, repo.path, ignored=ignored)
    if user:
        mine = read_user_config()
        if mine is not None and (not layers or mine[0] != layers[-1].path):
            layers.append(Layer("user config", mine[1], user_file=mine[0]))
    if editor:
        layers.append(Layer("editor settings", normalise(editor)))
    if cli:
        layers.append(Layer("command line", normalise(cli)))
    return layers


def resolve(layers: Sequence[Layer]) -> Settings:
    """Check each layer against the schema, then merge them, highest last."""
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    config_file: Path | None = None
    ignored: tuple[str, ...] = ()
    user_file: Path | None = None
    for layer in layers:
        validate(layer.values, str(layer.path) if layer.path is not None else layer.name)
        values = merge(values, layer.values)
        for key in _set_keys(layer.values):
            origins[key] = layer.name
        if layer.path is not None:
            config_file = layer.path
        ignored = ignored or layer.ignored
        user_file = layer.user_file or user_file
    return Settings(values=values, config_file=config_file, origins=origins, ignored_settings=ignored,
                    user_config_file=user_file)


def _set_keys(values: dict[str, Any], prefix: str = "") -> list[str]:
    keys: list[str] = []
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, dict):
            keys += _set_keys(value, f"{prefix}{key}.")
        else:
            keys.append(prefix + key)
    return keys


def _value_at(values: dict[str, Any], dotted: str) -> Any:
    value: Any = values
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value
