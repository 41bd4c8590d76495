"""Settings, from several layers: CLI flags > LSP settings > the user's config > the repository's
drvls.toml or [tool.drvls] of pyproject.toml.

Keys are normalised to snake_case so `search-path`, `search_path` and `searchPath` mean the same.
Each language reads its own table (`[microkit]`, `[camkes]`, `[drv]`, `[signing]`) through
`Settings.section`; the common keys live at the top level.

A repository is not trusted: settings that run a program or widen trust (`TRUST_RELEVANT`) are
taken only from the user's own config (`$XDG_CONFIG_HOME/drvls/drvls.toml`), the CLI or the
editor; a repository's value is dropped and named in `Settings.ignored_settings` for one warning.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drvls.core.reading import ReadProblem, read_bounded

DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024
DEFAULT_ANALYSIS_TIMEOUT = 10.0  # seconds; 0 turns the budget off
DEFAULT_MAX_DIAGNOSTICS = 1000  # per file; 0 for no limit
CONFIG_FILE_NAMES = ("drvls.toml", "pyproject.toml")
USER_CONFIG_NAME = "drvls.toml"
MAX_CONFIG_SIZE = 1024 * 1024
# (table, key) of settings a repository may not set: each runs a program, names a key to sign
# with, or says which keys are trusted. Only the user's config, the CLI or the editor set them.
TRUST_RELEVANT: tuple[tuple[str, str], ...] = (
    ("camkes", "cpp"),
    ("signing", "trusted_keys"),
    ("signing", "key"),
)


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
    """Settings for one file: the config file found from it (or `config_path`), without its
    trust-relevant settings, then the user's config (unless `user` is False), then editor, then CLI."""
    values: dict[str, Any] = {}
    found: Path | None = None
    if config_path is not None:
        table = read_config_file(config_path)
        found, values = config_path, table or {}
    elif file is not None:
        hit = find_config_file(file)
        if hit is not None:
            found, values = hit
    values, ignored = without_trust_relevant(values)
    user_file: Path | None = None
    if user:
        mine = read_user_config()
        if mine is not None and mine[0] != found:
            user_file, table = mine
            values = merge(values, table)
    values = merge(values, normalise(editor or {}))
    values = merge(values, normalise(cli or {}))
    return Settings(values=values, config_file=found, ignored_settings=ignored, user_config_file=user_file)
