"""Settings, from several layers: CLI flags > LSP settings > drvls.toml > [tool.drvls] of pyproject.toml.

Keys are normalised to snake_case so `search-path`, `search_path` and `searchPath` mean the same.
Each language reads its own table (`[microkit]`, `[camkes]`, `[drv]`, `[signing]`) through
`Settings.section`; the common keys live at the top level.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024
CONFIG_FILE_NAMES = ("drvls.toml", "pyproject.toml")


class ConfigError(Exception):
    """A config file or value that cannot be used; reported, never a traceback."""


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


@dataclass(frozen=True)
class Settings:
    values: dict[str, Any] = field(default_factory=dict)
    config_file: Path | None = None

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
    values: dict[str, Any] = {}
    found: Path | None = None
    if config_path is not None:
        table = read_config_file(config_path)
        found, values = config_path, table or {}
    elif file is not None:
        hit = find_config_file(file)
        if hit is not None:
            found, values = hit
    values = merge(values, normalise(editor or {}))
    values = merge(values, normalise(cli or {}))
    return Settings(values=values, config_file=found)
