"""Handlers of `drvls keygen`, `sign` and `verify` (imported only when one of them runs)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from drvls.cli.errors import UsageError, require_existing
from drvls.core.config import Settings, ignored_setting_warning, load_settings
from drvls.signing.evidence import SigningError
from drvls.signing.keys import DEFAULT_KEY_NAME, KeyFileError, load_private_key, write_key_pair
from drvls.signing.sign import sign_path
from drvls.signing.trust import TrustStore, build_store, sources_from_settings
from drvls.signing.verify import Verdict, verify_file


def default_key_dir() -> Path:
    """Keys go under the user's config folder by default, never into a repository by accident."""
    from drvls.signing.trust import user_store_dir

    return user_store_dir().parent / "keys"


def run_keygen(args: argparse.Namespace) -> int:
    if args.name is None:
        args.name = DEFAULT_KEY_NAME
    directory = args.output_dir if args.output_dir is not None else default_key_dir()
    if "/" in args.name or args.name in ("", ".", ".."):
        raise UsageError(f"--name must be a plain file name stem: {args.name!r}")
    try:
        files = write_key_pair(directory, args.name)
    except KeyFileError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot create keys in {directory}: {exc.strerror or exc}") from None
    print(f"key id:      {files.key_id}")
    print(f"private key: {files.private}  (mode 0600; keep it secret)")
    print(f"public key:  {files.public}  (give this to whoever verifies)")
    return 0


def run_sign(args: argparse.Namespace) -> int:
    require_existing(args.files)
    try:
        key = load_private_key(args.key)
    except KeyFileError as exc:
        raise UsageError(str(exc)) from None
    for file in args.files:
        if not file.is_file():
            what = "not a regular file (a folder, pipe, socket or device)" if file.exists() else "no such file"
            raise UsageError(f"{what}: {file}")
    failures = 0
    for file in args.files:
        try:
            signed = sign_path(file, key)
        except SigningError as exc:
            print(f"{file}: not signed: {exc}", file=sys.stderr)
            failures += 1
            continue
        where = "embedded signature" if signed.written == file else f"wrote {signed.written}"
        print(f"{file}: signed by key {signed.key_id} ({where})")
    return 1 if failures else 0


def trust_for(args: argparse.Namespace, settings: Settings) -> TrustStore:
    sources = sources_from_settings(settings, cli=[p.resolve() for p in args.trusted_keys],
                                    use_repository=not args.no_repository_keys,
                                    use_user_store=not args.no_user_store)
    return build_store(sources.cli, sources.repository, sources.user_store)


def run_verify(args: argparse.Namespace) -> int:
    require_existing(args.files)
    for path in args.trusted_keys:
        if not path.exists():
            raise UsageError(f"--trusted-keys: no such file or folder: {path}")
    verdicts: list[Verdict] = []
    problems: list[str] = []
    for file in args.files:
        settings = load_settings(file.resolve())
        ignored = ignored_setting_warning(settings)
        if ignored is not None and ignored not in problems:
            problems.append(ignored)
        store = trust_for(args, settings)
        problems.extend(p for p in store.problems if p not in problems)
        verdicts.append(verify_file(file, store))
    for problem in problems:
        print(f"drvls: warning: {problem}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps({"verdicts": [v.to_json() for v in verdicts], "trust_problems": problems}, indent=2))
    else:
        for verdict in verdicts:
            print(verdict.line())
    return 0 if all(v.ok for v in verdicts) else 1
