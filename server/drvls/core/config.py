"""Settings, from several layers: CLI flags > LSP settings > drvls.toml > [tool.drvls] of pyproject.toml.

Keys are normalised to snake_case so `search-path`, `search_path` and `searchPath` mean the same.
Each language reads its own table (`[microkit]`, `[camkes]`, `[signing]`) through `Settings.section`;
the common keys live at the top level. Every layer is checked against the schema (`core/schema.py`)
before it is merged, and the settings remember which layer set each key (for `-v` and for messages
that depend on a setting). Both faces resolve settings here, so the CLI and the server agree.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drvls.core.schema import ConfigError, validate

DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024
CONFIG_FILE_NAMES = ("drvls.toml", "pyproject.toml")
__all__ = ["ConfigError", "Layer", "Settings", "layers_for", "load_settings", "resolve"]


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


@dataclass(frozen=True)
class Settings:
    values: dict[str, Any] = field(default_factory=dict)
    config_file: Path | None = None
    # Dotted key (`select`, `microkit.arch`) → the name of the layer that set it.
    origins: dict[str, str] = field(default_factory=dict)

    @property
    def select(self) -> tuple[str, ...]:
        return tuple(str(s) for s in self.values.get("select") or ())

    @property
    def ignore(self) -> tuple[str, ...]:
        return tuple(str(s) for s in self.values.get("ignore") or ())

    @property
    def max_file_size(self) -> int:
        return int(self.values.get("max_file_size") or DEFAULT_MAX_FILE_SIZE)

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
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path.name}: cannot read config: {exc}") from exc
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("drvls")
        return dict(normalise(table)) if isinstance(table, dict) else None
    return dict(normalise(data))


def load_settings(
    file: Path | None,
    cli: dict[str, Any] | None = None,
    editor: dict[str, Any] | None = None,
    config_path: Path | None = None,
) -> Settings:
    """Settings for one file: the config file found from it (or `config_path`), then editor, then CLI."""
    return resolve(layers_for(file, cli=cli, editor=editor, config_path=config_path))


def layers_for(
    file: Path | None,
    cli: dict[str, Any] | None = None,
    editor: dict[str, Any] | None = None,
    config_path: Path | None = None,
) -> list[Layer]:
    """The layers for one file, lowest first; a new source of settings is one more entry here."""
    layers: list[Layer] = []
    if config_path is not None:
        layers.append(Layer(config_path.name, read_config_file(config_path) or {}, config_path))
    elif file is not None:
        hit = find_config_file(file)
        if hit is not None:
            layers.append(Layer(hit[0].name, hit[1], hit[0]))
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
    for layer in layers:
        validate(layer.values, str(layer.path) if layer.path is not None else layer.name)
        values = merge(values, layer.values)
        for key in _set_keys(layer.values):
            origins[key] = layer.name
        if layer.path is not None:
            config_file = layer.path
    return Settings(values=values, config_file=config_file, origins=origins)


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
