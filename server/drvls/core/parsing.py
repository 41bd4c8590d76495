"""Tree-sitter parsing that lets other threads run and stops at the analysis deadline.

`Parser.parse(bytes)` holds the GIL for the whole parse: seconds on a hostile file, during which
the language server's event loop cannot answer anything. Fed through a read callback in small
chunks instead, the parse runs Python code between chunks, so the interpreter can hand the GIL to
the event loop, and the callback can end the input once the analysis deadline (set by the engine
through `budget`) has passed; the engine then reports the file as over its budget.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

CHUNK = 512  # bytes handed to tree-sitter per callback


@dataclass
class Budget:
    """The running analysis's deadline (`time.monotonic()`), and whether a parse was cut short by it."""

    deadline: float | None
    exceeded: bool = False


budget: ContextVar[Budget | None] = ContextVar("drvls_analysis_budget", default=None)


def parse_yielding(parser: Any, data: bytes, old_tree: Any = None) -> Any:
    """`parser.parse(data, old_tree)`, the same tree, read in chunks (see the module docstring)."""
    current = budget.get()
    deadline = current.deadline if current is not None else None
    view = memoryview(data)

    def read(offset: int, _point: Any) -> bytes:
        if deadline is not None and time.monotonic() > deadline:
            assert current is not None
            current.exceeded = True
            return b""
        return bytes(view[offset:offset + CHUNK])

    return parser.parse(read, old_tree) if old_tree is not None else parser.parse(read)
