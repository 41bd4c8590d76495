"""Which CAmkES names can be renamed, and to what (the rename rules of `core/rename.py`).

Components, procedures and connectors (one global namespace of types, across every imported
file), instances (the namespace of their composition, shared with its connections) and interfaces
(the namespace of their component, shared with its attributes). A new name must be an identifier
camkes-tool's lexer takes as a name (`[A-Za-z_][A-Za-z0-9_]*`, no CAmkES keyword) and no C keyword,
since every one of these names becomes part of a C identifier in the generated code. A type may
not take the name of a standard connector (camkes-tool's own, or global-components'), which an app
may use without a definition the index could see.
"""

from __future__ import annotations

import re

from drvls.camkes.checks.ckeywords import C_KEYWORDS
from drvls.camkes.connectors import GLOBAL_CONNECTORS, STD_CONNECTORS
from drvls.camkes.lower import KEYWORDS

PREFIX = "camkes:"
TYPE_KINDS = ("component", "procedure", "connector", "event", "dataport")
_WHAT = {"component": "component", "procedure": "procedure", "connector": "connector", "instance": "instance",
         "interface": "interface"}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _split(key: str) -> tuple[str, str] | None:
    """(kind, the rest of the key) for a key of a renameable kind."""
    if not key.startswith(PREFIX):
        return None
    kind, _, rest = key[len(PREFIX):].partition(":")
    return (kind, rest) if kind in _WHAT and rest else None


def _a(what: str) -> str:
    return f"{'an' if what[:1] in 'aeiou' else 'a'} {what}"


class CamkesRenameRules:
    def renameable(self, key: str) -> bool:
        return _split(key) is not None

    def invalid(self, key: str, new_name: str) -> str | None:
        found = _split(key)
        what = _WHAT[found[0]] if found is not None else "name"
        if not _IDENTIFIER.fullmatch(new_name):
            return f"'{new_name}' is not a valid {what} name: CAmkES names are C identifiers ([A-Za-z_][A-Za-z0-9_]*)"
        if new_name in KEYWORDS and new_name != "Buf":
            return f"'{new_name}' is a CAmkES keyword and cannot name {_a(what)}"
        if new_name in C_KEYWORDS:
            return f"'{new_name}' is a C keyword and cannot name {_a(what)}"
        if found is not None and found[0] in TYPE_KINDS and (
                new_name in STD_CONNECTORS or new_name in GLOBAL_CONNECTORS or new_name == "IOPort"):
            return f"'{new_name}' is already the name of a standard CAmkES connector or procedure"
        return None

    def rivals(self, key: str, new_name: str) -> tuple[str, ...]:
        found = _split(key)
        if found is None:
            return ()
        kind, rest = found
        if kind in TYPE_KINDS:
            return tuple(f"{PREFIX}{k}:{new_name}" for k in TYPE_KINDS)
        if kind == "instance":
            owner = rest.rpartition("/")[0]
            return (f"{PREFIX}instance:{owner}/{new_name}", f"{PREFIX}connection:{owner}/{new_name}")
        owner = rest.rpartition(".")[0]
        return (f"{PREFIX}interface:{owner}.{new_name}", f"{PREFIX}attribute:{owner}.{new_name}")

    def incomplete(self, model: object) -> str | None:
        return None  # not judged yet: what the grammar recovered around a syntax error is what is renamed


RULES = CamkesRenameRules()
