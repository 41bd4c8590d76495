"""CAmkES (.camkes / .idl4) grammar for tree-sitter.

`language()` returns the capsule that `tree_sitter.Language` accepts; the query
texts are read lazily so importing the module stays cheap.
"""

from importlib.resources import files as _files
from pathlib import Path as _Path

from ._binding import language

_QUERY_NAMES = {
    "HIGHLIGHTS_QUERY": "highlights.scm",
    "LOCALS_QUERY": "locals.scm",
    "FOLDS_QUERY": "folds.scm",
}


def _read_query(filename: str) -> str:
    """Read a query from the installed package, or from the grammar checkout."""
    packaged = _files(__package__) / "queries" / filename
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    # Editable / in-tree use: bindings/python/tree_sitter_camkes -> grammar root.
    in_tree = _Path(__file__).resolve().parents[3] / "queries" / filename
    return in_tree.read_text(encoding="utf-8")


def __getattr__(name: str) -> str:
    if name in _QUERY_NAMES:
        text = _read_query(_QUERY_NAMES[name])
        globals()[name] = text
        return text
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["FOLDS_QUERY", "HIGHLIGHTS_QUERY", "LOCALS_QUERY", "language"]


def __dir__() -> list[str]:
    return sorted([*globals(), *_QUERY_NAMES])
