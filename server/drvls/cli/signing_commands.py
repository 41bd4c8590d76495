"""`drvls keygen`, `drvls sign` and `drvls verify`: Ed25519 signatures over BLAKE3 digests."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from drvls.cli.errors import UsageError
from drvls.core.config import Settings, load_settings
from drvls.signing.evidence import SigningError
from drvls.signing.keys import DEFAULT_KEY_NAME, KeyFileError, load_private_key, write_key_pair
from drvls.signing.sign import sign_path
from drvls.signing.trust import TrustStore, build_store, sources_from_settings
from drvls.signing.verify import Verdict, verify_file


def default_key_dir() -> Path:
    """Keys go under the user's config folder by default, never into a repository by accident."""
    from drvls.signing.trust import user_store_dir

    return user_store_dir().parent / "keys"


def register(sub: Any) -> None:
    kg = sub.add_parser("keygen", help="create an Ed25519 key pair (private key mode 0600, never overwritten)")
    kg.add_argument("-o", "--output-dir", type=Path, default=None, metavar="DIR",
                    help="folder for the key files (default: drvls/keys under the user's config folder)")
    kg.add_argument("--name", default=DEFAULT_KEY_NAME, help=f"file name stem (default: {DEFAULT_KEY_NAME})")
    kg.set_defaults(handler=run_keygen)

    sg = sub.add_parser("sign", help="sign files: .drv v2 in place, anything else with a detached FILE.sig")
    sg.add_argument("files", nargs="+", type=Path, metavar="FILE")
    sg.add_argument("--key", required=True, type=Path, metavar="K", help="private key file (mode 0600)")
    sg.set_defaults(handler=run_sign)

    vf = sub.add_parser("verify", help="check signatures; exit 1 unless every file is validly signed")
    vf.add_argument("files", nargs="+", type=Path, metavar="FILE")
    vf.add_argument("--trusted-keys", action="append", type=Path, default=[], metavar="PATH",
                    help="trusted public key file, or folder of *.pub files (repeatable)")
    vf.add_argument("--no-repository-keys", action="store_true",
                    help="ignore trusted_keys named by the repository's own config")
    vf.add_argument("--no-user-store", action="store_true", help="ignore the user-level trust store")
    vf.add_argument("--format", choices=["text", "json"], default="text")
    vf.set_defaults(handler=run_verify)


def run_keygen(args: argparse.Namespace) -> int:
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
    try:
        key = load_private_key(args.key)
    except KeyFileError as exc:
        raise UsageError(str(exc)) from None
    for file in args.files:
        if not file.is_file():
            raise UsageError(f"no such file: {file}")
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
    for path in args.trusted_keys:
        if not path.exists():
            raise UsageError(f"--trusted-keys: no such file or folder: {path}")
    verdicts: list[Verdict] = []
    problems: list[str] = []
    for file in args.files:
        settings = load_settings(file.resolve())
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
