"""`drvls serve`: the language server over stdio."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser("serve", help="run the language server over stdio")
    parser.add_argument("--stdio", action="store_true", help="accepted for editor compatibility (the default)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from drvls.core import logs
    from drvls.lsp.server import serve

    logs.apply()  # the server and pygls log through `logging` directly
    return int(serve())
