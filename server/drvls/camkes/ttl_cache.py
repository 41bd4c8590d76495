"""Short-lived answers about the workspace (file listings, import targets, which apps import what).

Apps are scanned often while files appear or vanish rarely, so answers are kept `TTL_SECONDS`; a
file gone since is caught when it is read, and a new `import` line is seen shortly after it is typed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")
TTL_SECONDS = 5.0


class TtlCache(Generic[K, V]):
    """Answers kept `TTL_SECONDS`, bounded by dropping everything once `limit` is passed."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._items: dict[K, tuple[float, V]] = {}

    def get_or_compute(self, key: K, compute: Callable[[], V]) -> V:
        now = time.monotonic()
        hit = self._items.get(key)
        if hit is not None and now - hit[0] < TTL_SECONDS:
            return hit[1]
        if len(self._items) > self._limit:
            self._items.clear()
        value = compute()
        self._items[key] = (now, value)
        return value

    def clear(self) -> None:
        self._items.clear()
