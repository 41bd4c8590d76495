"""Narrowing a run's file list for CI fan-out: stable shards and files changed since a git revision."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from drvls.cli.errors import UsageError


def shard_of(path: Path, total: int) -> int:
    """The 1-based shard a file belongs to: a hash of its path, so adding or removing other files
    never moves it, and every machine computes the same split."""
    import hashlib  # only for `--shard`: not on the start-up path of every check

    digest = hashlib.blake2b(path.as_posix().encode("utf-8", "surrogateescape"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % total + 1


def take_shard(files: Sequence[Path], index: int, total: int) -> list[Path]:
    return [f for f in files if shard_of(f, total) == index]


def _git(args: list[str], cwd: Path) -> str:
    import subprocess  # only for `--changed-since`

    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise UsageError(f"--changed-since needs git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"git {args[0]} failed"
        raise UsageError(f"--changed-since: {message}")
    return done.stdout


def changed_since(rev: str, cwd: Path) -> set[Path]:
    """Resolved paths of files changed since `rev`: in commits after it, staged, unstaged or untracked."""
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd)
    names = _git(["diff", "--name-only", "-z", "--diff-filter=ACMRT", rev, "--"], top).split("\0")
    names += _git(["ls-files", "--others", "--exclude-standard", "-z"], top).split("\0")
    return {(top / name).resolve() for name in names if name}


def keep_changed(files: Sequence[Path], rev: str, cwd: Path) -> list[Path]:
    changed = changed_since(rev, cwd)
    return [f for f in files if f.resolve() in changed]
