"""Entry point: builds the argument parser from the command modules and maps failures to exit codes.

Exit status: 0 clean, 1 problems found (per command), 2 usage or internal error.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import Any

from drvls import __version__
from drvls.cli.errors import UsageError
from drvls.core.config import ConfigError
from drvls.core.languages import import_optional

COMMAND_MODULES = (
    "drvls.cli.check_command",
    "drvls.cli.serve_command",
    "drvls.cli.rules_command",
    "drvls.cli.settings_command",
    "drvls.cli.drv_commands",
    "drvls.cli.emit_command",
    "drvls.cli.preview_command",
    "drvls.cli.signing_commands",
    "drvls.cli.format_command",
    "drvls.cli.port_command",
)

log = logging.getLogger("drvls")


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so every usage problem takes the same path."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="drvls", description="Language server and linter for seL4 Microkit system "
                    "descriptions, CAmkES configs and .drv rule files.")
    parser.add_argument("--version", action="version", version=f"drvls {__version__}")
    add_global_flags(parser, False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMAND_MODULES:
        module = import_optional(name)
        if module is not None:
            module.register(sub)
    for command in sub.choices.values():  # `drvls check -v` as well as `drvls -v check`
        add_global_flags(command, argparse.SUPPRESS)
    return parser


def add_global_flags(parser: argparse.ArgumentParser, default: Any) -> None:
    """-v/-q; on a subcommand their default is SUPPRESS so they never undo the same flag given before it."""
    parser.add_argument("-v", "--verbose", action="store_true", default=default,
                        help="name the files found and the settings used for each, and log progress to stderr")
    parser.add_argument("-q", "--quiet", action="store_true", default=default,
                        help="print only the problems: no summary line, no progress bar")


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser()
        args = parser.parse_args(args_list)
        if args.verbose and args.quiet:
            raise UsageError("-v and -q cannot be combined")
        logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                            format="drvls: %(message)s", stream=sys.stderr)
        handler = getattr(args, "handler", None)
        if handler is None:
            parser.print_help(sys.stderr)
            return 2
        return int(handler(args))
    except (UsageError, ConfigError) as exc:
        print(f"drvls: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # last resort: a one-line report, the traceback only with -v
        log.debug("internal error", exc_info=True)
        if "-v" in args_list or "--verbose" in args_list:
            import traceback

            traceback.print_exc()
        print(f"drvls: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
