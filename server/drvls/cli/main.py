"""Entry point: builds the argument parser from the command modules and maps failures to exit codes.

Exit status: 0 clean, 1 problems found (per command), 2 usage or internal error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from drvls import __version__
from drvls.cli.errors import UsageError
from drvls.core import logs
from drvls.core.config import ConfigError
from drvls.core.languages import import_optional

# Each command and the module that registers it: a run imports and builds only its own command's
# module (the others' imports and argument tables cost a one-file check a noticeable part of its time).
COMMAND_MODULES = {
    "check": "drvls.cli.check_command",
    "serve": "drvls.cli.serve_command",
    "rules": "drvls.cli.rules_command",
    "settings": "drvls.cli.settings_command",
    "compile": "drvls.cli.drv_commands",
    "decompile": "drvls.cli.drv_commands",
    "emit": "drvls.cli.emit_command",
    "preview": "drvls.cli.preview_command",
    "keygen": "drvls.cli.signing_commands",
    "sign": "drvls.cli.signing_commands",
    "verify": "drvls.cli.signing_commands",
    "format": "drvls.cli.format_command",
    "port": "drvls.cli.port_command",
}


log = logs.Logger("drvls")


def terminal_columns() -> int:
    """The terminal's width as `shutil.get_terminal_size` reads it ($COLUMNS, then the terminal, else 80)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class Formatter(argparse.HelpFormatter):
    """argparse's help layout, its width read without `shutil`: argparse makes a formatter for every
    argument added, and importing shutil (with the compression modules it loads) there cost a one-file
    check about 2% of its instructions, for a help text it never prints."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         width if width is not None else terminal_columns() - 2)


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so every usage problem takes the same path."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def build_parser(args: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for `args`: only the named command's when the first word names one, else every command
    (for the help, and for the error naming the commands there are)."""
    parser = Parser(prog="drvls", description="Language server and linter for seL4 Microkit system "
                    "descriptions, CAmkES configs and .drv rule files.")
    parser.add_argument("--version", action="version", version=f"drvls {__version__}")
    add_global_flags(parser, False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    word = next((a for a in args or () if not a.startswith("-")), None)
    named = COMMAND_MODULES.get(word or "")
    for name in dict.fromkeys(COMMAND_MODULES.values()) if named is None else (named,):
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
        parser = build_parser(args_list)
        args = parser.parse_args(args_list)
        if args.verbose and args.quiet:
            raise UsageError("-v and -q cannot be combined")
        logs.configure(args.verbose)
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
