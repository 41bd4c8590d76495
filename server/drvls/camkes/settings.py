"""The `[camkes]` settings, as camkes-tool's own options (`--import-path`, `-I`, `-D`, ...)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from drvls.camkes.cache import CACHE, Bounded
from drvls.core.config import Settings


@dataclass(frozen=True)
class CamkesSettings:
    import_path: tuple[Path, ...] = ()
    cpp_include: tuple[Path, ...] = ()
    defines: tuple[str, ...] = ()
    allow_forward_references: bool = False
    cpp: str = "cpp"

    @cached_property
    def import_key(self) -> str:
        """The import path as one string, a cheap part of cache keys (tuples of paths hash and compare slowly)."""
        return "\0".join(str(p) for p in self.import_path)

    @cached_property
    def cpp_flags(self) -> tuple[str, ...]:
        """Flags as a real build passes them (`-DCAMKES_TOOL_PROCESSING` always); made once (every load asks)."""
        return ("-DCAMKES_TOOL_PROCESSING", *(f"-I{p}" for p in self.cpp_include), *(f"-D{d}" for d in self.defines))


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, Path)):
        return [str(value)]
    return [str(v) for v in value]


def _frozen(value: Any) -> Any:
    """A setting's value as a hashable key (lists → tuples, tables → sorted pairs)."""
    if isinstance(value, dict):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    return value if isinstance(value, (str, int, float, bool, type(None))) else (type(value).__name__, str(value))


_read: Bounded[tuple[object, ...], CamkesSettings] = CACHE.table(256)


def read_settings(settings: Settings) -> CamkesSettings:
    """Read `settings.section("camkes")`; paths are relative to the config file that set them.

    Every file of a run asks, mostly with the same settings: read once per section, config file,
    working folder and home folder (what relative paths and `~` are resolved against).
    """
    section = settings.section("camkes")
    key = (_frozen(section), settings.config_file, os.getcwd(), os.environ.get("HOME"))
    return _read.get_or_compute(key, lambda: _read_settings(settings, section))


def _read_settings(settings: Settings, section: dict[str, Any]) -> CamkesSettings:
    return CamkesSettings(
        import_path=tuple(settings.relative_to_config(p).absolute() for p in _list(section.get("import_path"))),
        cpp_include=tuple(settings.relative_to_config(p).absolute() for p in _list(section.get("cpp_include"))),
        defines=tuple(_list(section.get("defines"))),
        allow_forward_references=bool(section.get("allow_forward_references", False)),
        cpp=str(section.get("cpp") or "cpp"),
    )
