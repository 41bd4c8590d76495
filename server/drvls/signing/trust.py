"""Which public keys are trusted, and where each one came from.

Sources, in order of preference when one key appears in several: the command line or editor
settings, the user's own trust store (outside any repository), and the repository's config
(`[signing] trusted_keys`). A key that only the repository trusts is marked as such in every
verdict: a repository cannot vouch for its own files.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from drvls.core.config import ConfigError, Settings, read_config_file
from drvls.signing.keys import PUBLIC_NAME_SUFFIX, KeyFileError, PublicKey, load_public_key


class Origin(Enum):
    COMMAND_LINE = "command-line"
    USER_STORE = "user-trust-store"
    REPOSITORY = "repository"


_CACHE_LIMIT = 32  # entries per cache below; cleared when full (config and trust files rarely change)
ORIGIN_RANK = {Origin.COMMAND_LINE: 0, Origin.USER_STORE: 1, Origin.REPOSITORY: 2}


@dataclass(frozen=True)
class TrustedKey:
    key: PublicKey
    origin: Origin
    location: Path

    @property
    def key_id(self) -> str:
        return self.key.key_id

    def describe(self) -> str:
        """Who vouches for this key, for verdict lines."""
        if self.origin is Origin.REPOSITORY:
            return f"trusted by the repository itself ({self.location})"
        if self.origin is Origin.USER_STORE:
            return f"trusted by your trust store ({self.location})"
        return f"trusted via --trusted-keys or settings ({self.location})"


@dataclass
class TrustStore:
    keys: dict[bytes, TrustedKey] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def add(self, trusted: TrustedKey) -> None:
        current = self.keys.get(trusted.key.raw)
        if current is None or ORIGIN_RANK[trusted.origin] < ORIGIN_RANK[current.origin]:
            self.keys[trusted.key.raw] = trusted

    def lookup(self, public_key: bytes) -> TrustedKey | None:
        return self.keys.get(public_key)

    def __len__(self) -> int:
        return len(self.keys)


def user_store_dir() -> Path:
    """`$XDG_CONFIG_HOME/drvls/trusted_keys`, else `~/.config/drvls/trusted_keys`."""
    base = os.environ.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / "drvls" / "trusted_keys"


def key_files(path: Path) -> list[Path]:
    """A key file itself, or the `*.pub` files directly inside a folder (sorted)."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.name.endswith(PUBLIC_NAME_SUFFIX) and p.is_file())
    return [path]


def add_source(store: TrustStore, path: Path, origin: Origin, required: bool = True) -> None:
    """Load every key at `path`; unusable files become `problems` (a missing optional store is fine)."""
    try:
        exists = path.exists()
    except (OSError, ValueError) as exc:  # a NUL byte in the path, or one too long
        store.problems.append(f"trusted keys path cannot be used: {path!r}: {exc}")
        return
    if not exists:
        if required:
            store.problems.append(f"trusted keys path does not exist: {path}")
        return
    try:
        files = key_files(path)
    except (OSError, ValueError) as exc:
        store.problems.append(f"cannot list trusted keys in {path}: {getattr(exc, 'strerror', None) or exc}")
        return
    for file in files:
        try:
            store.add(TrustedKey(load_public_key(file), origin, file))
        except KeyFileError as exc:
            store.problems.append(str(exc))


def build_store(cli: Iterable[Path] = (), repository: Iterable[Path] = (),
                user_store: Path | None = None) -> TrustStore:
    store = TrustStore()
    for path in cli:
        add_source(store, path, Origin.COMMAND_LINE)
    if user_store is not None:
        add_source(store, user_store, Origin.USER_STORE, required=False)
    for path in repository:
        add_source(store, path, Origin.REPOSITORY)
    return store


def _path_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


_CONFIG_CACHE: dict[tuple[str, int, int], list[str]] = {}


def repository_paths(settings: Settings) -> list[str]:
    """The raw `trusted_keys` entries written in the repository's own config file (cached by stat)."""
    path = settings.config_file
    if path is None:
        return []
    try:
        st = path.stat()
    except OSError:
        return []
    key = (str(path), st.st_mtime_ns, st.st_size)
    cached = _CONFIG_CACHE.get(key)
    if cached is None:
        try:
            table = read_config_file(path) or {}
        except ConfigError:
            table = {}
        section = table.get("signing")
        cached = _path_list(section.get("trusted_keys")) if isinstance(section, dict) else []
        if len(_CONFIG_CACHE) >= _CACHE_LIMIT:
            _CONFIG_CACHE.clear()
        _CONFIG_CACHE[key] = cached
    return list(cached)


def _user_path(raw: str) -> Path:
    """A path the user wrote; `~user` that does not exist stays as written (and reads as missing)."""
    try:
        return Path(raw).expanduser()
    except RuntimeError:
        return Path(raw)


def _repository_path(settings: Settings, raw: str) -> Path:
    try:
        return settings.relative_to_config(raw)
    except RuntimeError:  # `~nosuchuser/...`: a repository cannot make the signature check raise
        return Path(raw)


@dataclass(frozen=True)
class TrustSources:
    """Where to load keys from for one file's settings."""

    cli: tuple[Path, ...]
    repository: tuple[Path, ...]
    user_store: Path | None


def sources_from_settings(settings: Settings, cli: Sequence[Path] = (), use_repository: bool = True,
                          use_user_store: bool = True) -> TrustSources:
    """Split trusted keys into those the user named (CLI, editor, the user's config) and those only
    the repository's config names.

    `signing.trusted_keys` never comes from the repository (core/config.py drops it there), so the
    repository's own entries are read again from its file: they are loaded only to say, in a
    verdict, that a key is trusted by the repository alone, which never passes.
    """
    section = settings.section("signing")
    repo_raw = repository_paths(settings)
    outside = [_user_path(p) for p in _path_list(section.get("trusted_keys"))]
    repo = [_repository_path(settings, p) for p in repo_raw] if use_repository else []
    if section.get("user_trust_store") is False:
        use_user_store = False
    return TrustSources(tuple(cli) + tuple(outside), tuple(repo), user_store_dir() if use_user_store else None)


def _fingerprint(paths: Iterable[Path]) -> tuple[object, ...]:
    """Stat data of every source and the key files inside folders, so a cache notices changes."""
    out: list[object] = []
    for path in paths:
        try:
            st = path.stat()
            out.append((str(path), st.st_mtime_ns, st.st_size))
            if path.is_dir():
                for file in key_files(path):
                    fst = file.stat()
                    out.append((str(file), fst.st_mtime_ns, fst.st_size))
        except (OSError, ValueError):
            out.append((str(path), None))
    return tuple(out)


_CACHE: dict[tuple[object, ...], TrustStore] = {}


def load_store(sources: TrustSources) -> TrustStore:
    """A trust store for these sources, reused while none of its files change."""
    every = [*sources.cli, *sources.repository, *([sources.user_store] if sources.user_store else [])]
    key = (sources, _fingerprint(every))
    store = _CACHE.get(key)
    if store is None:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        store = build_store(sources.cli, sources.repository, sources.user_store)
        _CACHE[key] = store
    return store
