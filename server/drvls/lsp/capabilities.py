"""Reading the client's declared capabilities, where any level of the tree may be missing."""

from __future__ import annotations

from typing import Any


def capability(capabilities: Any, *names: str) -> Any:
    """`capabilities.a.b.c` for names ("a", "b", "c"), or None as soon as one level is absent."""
    value: Any = capabilities
    for name in names:
        value = getattr(value, name, None)
        if value is None:
            return None
    return value
