"""Editor settings (the `drvls` section) layered over the config files found from each document.

Settings come from `workspace/configuration` when the client offers it, otherwise from
`initializationOptions`; both are plain JSON objects shaped like the `[tool.drvls]` table.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drvls.core.config import (
    CONFIG_FILE_NAMES,
    ConfigError,
    Settings,
    ignored_setting_warning,
    load_settings,
    normalise,
)
from drvls.core.discovery import config_excludes
from drvls.core.schema import clean

log = logging.getLogger(__name__)

SECTION = "drvls"
DEFAULT_DEBOUNCE_MS = 150


def section_of(raw: Any) -> dict[str, Any]:
    """The `drvls` section from what a client sent: the section itself or an object holding it."""
    if not isinstance(raw, dict):
        return {}
    inner = raw.get(SECTION)
    if isinstance(inner, dict):
        return normalise(inner)  # type: ignore[no-any-return]
    return normalise(raw)  # type: ignore[no-any-return]


def is_config_file(path: Path) -> bool:
    return path.name in CONFIG_FILE_NAMES


class EditorSettings:
    """The editor's settings plus a cache of per-folder file settings; safe to read from workers."""

    def __init__(self, on_error: Callable[[str], None] | None = None) -> None:
        self._editor: dict[str, Any] = {}
        self._cache: dict[Path | None, Settings] = {}
        self._lock = threading.Lock()
        self._on_error = on_error
        self._reported: set[str] = set()
        self.generation = 0

    @property
    def editor(self) -> dict[str, Any]:
        return self._editor

    def update(self, raw: Any) -> bool:
        """Replace the editor settings; True when they differ from the previous ones. Unknown keys and
        ill-typed values are reported (naming the closest valid key) and left out."""
        values, problems = clean(section_of(raw), "editor settings (drvls)")
        for problem in problems:
            self._report(problem)
        with self._lock:
            changed = values != self._editor
            self._editor = values
            if changed:
                self._cache.clear()
                self.generation += 1
        return changed

    def config_changed(self) -> None:
        """A config file changed on disk: forget every cached lookup."""
        with self._lock:
            self._cache.clear()
            self._reported.clear()
            self.generation += 1

    @property
    def debounce_seconds(self) -> float:
        raw = self._editor.get("debounce", DEFAULT_DEBOUNCE_MS)
        try:
            return max(0.0, float(raw)) / 1000.0
        except (TypeError, ValueError):
            return DEFAULT_DEBOUNCE_MS / 1000.0

    @property
    def docs_url(self) -> str | None:
        value = self._editor.get("docs_url")
        return str(value) if value else None

    def excludes_for(self, root: Path) -> list[str]:
        """The `exclude` patterns for walking a workspace folder: resolved as `drvls check` resolves
        them (the folder's config file, then the editor's settings)."""
        # Settings are per folder: any name inside `root` finds the config file from `root` upward.
        patterns, warning = config_excludes(self.for_file(root / CONFIG_FILE_NAMES[0]))
        if warning:
            self._report(warning)
        return patterns

    def for_file(self, path: Path | None) -> Settings:
        """Settings for one file: its config file, then the editor's settings (cached per folder)."""
        folder = path.parent if path is not None else None
        with self._lock:
            cached = self._cache.get(folder)
            editor = self._editor
        if cached is not None:
            return cached
        try:
            settings = load_settings(path, editor=editor)
        except ConfigError as exc:
            self._report(str(exc))
            settings = load_settings(None, editor=editor)
        ignored = ignored_setting_warning(settings)
        if ignored is not None:
            self._report(ignored)
        with self._lock:
            self._cache[folder] = settings
        return settings

    def _report(self, message: str) -> None:
        log.warning("%s", message)
        with self._lock:
            if message in self._reported:
                return
            self._reported.add(message)
        if self._on_error is not None:
            self._on_error(message)
