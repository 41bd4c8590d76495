"""The CAmkES tree-sitter grammar (`tree_sitter_camkes`, built with the package): parsers and queries.

Parsers are not thread-safe, and the language server analyses on worker threads, so each
thread gets its own. When the grammar is not built into this installation every function
here says so with None instead of raising.
"""

from __future__ import annotations

import threading
from typing import Any

from drvls.core.parsing import parse_yielding

_local = threading.local()
_language: Any = None
_MACROS = "(macro_invocation) @macro"


def language() -> Any | None:
    """The compiled language, or None when `tree_sitter_camkes` cannot be imported."""
    global _language
    if _language is None:
        try:
            import tree_sitter
            import tree_sitter_camkes
        except ImportError:
            _language = False
        else:
            _language = tree_sitter.Language(tree_sitter_camkes.language())
    return _language or None


def available() -> bool:
    return language() is not None


def parse(data: bytes, old: Any = None) -> Any:
    """The tree of `data` (None without the grammar); incremental when `old` is the edited previous tree."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        lang = language()
        if lang is None:
            return None
        import tree_sitter

        parser = _local.parser = tree_sitter.Parser(lang)
    return parse_yielding(parser, data, old)


def macro_invocations(root: Any) -> list[Any]:
    """Every `macro_invocation` node under `root`, in text order."""
    import tree_sitter

    query = getattr(_local, "macros", None)
    if query is None:
        lang: Any = language()
        query = _local.macros = tree_sitter.Query(lang, _MACROS)
    found: list[Any] = tree_sitter.QueryCursor(query).captures(root).get("macro", [])
    return sorted(found, key=lambda n: n.start_byte)
