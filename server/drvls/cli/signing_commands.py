"""`drvls keygen`, `sign` and `verify`: argument parsing only.

The handlers live in `signing_actions`, imported when one of these commands runs, so that
`drvls check` does not pay for loading PyNaCl and the trust store.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _handler(name: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        actions = importlib.import_module("drvls.cli.signing_actions")
        return int(getattr(actions, name)(args))

    return run


def register(sub: Any) -> None:
    kg = sub.add_parser("keygen", help="create an Ed25519 key pair (private key mode 0600, never overwritten)")
    kg.add_argument("-o", "--output-dir", type=Path, default=None, metavar="DIR",
                    help="folder for the key files (default: drvls/keys under the user's config folder)")
    kg.add_argument("--name", default=None, help="file name stem (default: drvls_ed25519)")
    kg.set_defaults(handler=_handler("run_keygen"))

    sg = sub.add_parser("sign", help="sign files: .drv v2 in place, anything else with a detached FILE.sig")
    sg.add_argument("files", nargs="+", type=Path, metavar="FILE")
    sg.add_argument("--key", required=True, type=Path, metavar="K", help="private key file (mode 0600)")
    sg.set_defaults(handler=_handler("run_sign"))

    vf = sub.add_parser("verify", help="check signatures; exit 1 unless every file is validly signed")
    vf.add_argument("files", nargs="+", type=Path, metavar="FILE")
    vf.add_argument("--trusted-keys", action="append", type=Path, default=[], metavar="PATH",
                    help="trusted public key file, or folder of *.pub files (repeatable)")
    vf.add_argument("--no-repository-keys", action="store_true",
                    help="ignore trusted_keys named by the repository's own config")
    vf.add_argument("--no-user-store", action="store_true", help="ignore the user-level trust store")
    vf.add_argument("--format", choices=["text", "json"], default="text")
    vf.set_defaults(handler=_handler("run_verify"))
