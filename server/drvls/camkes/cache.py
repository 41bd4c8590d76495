"""The one cache of the CAmkES family: answers keyed by content and settings, bounded by size.

Every table is keyed by what decides its answer (a text's digest, the settings that matter),
so a hit is never stale for the text it was asked about. What depends on the file system
rather than on a text (which file an `import` finds, the files of a folder, which apps import
what) is dropped by `invalidate`, which the faces call on file events (a watcher's report,
an edit, a save, a buffer opened or closed); nothing here expires by the clock. Tables are
bounded by entries and by the size of the texts they hold, least recently used first, so an
editing session of any length holds a bounded amount.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Bounded(Generic[K, V]):
    """A least-recently-used map bounded by `entries` and by the summed `weigh(value)`; thread-safe."""

    def __init__(self, entries: int, weight: int = 0, weigh: Callable[[V], int] | None = None) -> None:
        self._entries = entries
        self._weight = weight
        self._weigh = weigh
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._total = 0
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is None:
                return None
            self._items.move_to_end(key)
            return hit[0]

    def put(self, key: K, value: V) -> V:
        size = self._weigh(value) if self._weigh is not None else 0
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._total -= old[1]
            self._items[key] = (value, size)
            self._total += size
            while len(self._items) > self._entries or (self._weight and self._total > self._weight
                                                        and len(self._items) > 1):
                _, (_, dropped) = self._items.popitem(last=False)
                self._total -= dropped
        return value

    def get_or_compute(self, key: K, compute: Callable[[], V]) -> V:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit[0]
        return self.put(key, compute())

    def drop_if(self, doomed: Callable[[K, V], bool]) -> None:
        with self._lock:
            for key in [k for k, (v, _) in self._items.items() if doomed(k, v)]:
                self._total -= self._items.pop(key)[1]

    def items(self) -> list[tuple[K, V]]:
        with self._lock:
            return [(k, v) for k, (v, _) in self._items.items()]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._total = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def weight(self) -> int:
        return self._total


Invalidator = Callable[[frozenset[Path]], None]


class CamkesCache:
    """The family's tables, each registered with what a file event must drop from it."""

    def __init__(self) -> None:
        self._tables: list[Bounded[object, object]] = []
        self._invalidators: list[Invalidator] = []

    def table(self, entries: int, weight: int = 0, weigh: Callable[[V], int] | None = None,
              on_event: Callable[[Bounded[K, V], frozenset[Path]], None] | None = None) -> Bounded[K, V]:
        table: Bounded[K, V] = Bounded(entries, weight, weigh)
        self._tables.append(table)  # type: ignore[arg-type]
        if on_event is not None:
            self._invalidators.append(lambda paths: on_event(table, paths))
        return table

    def invalidate(self, paths: Iterable[Path]) -> None:
        """Files changed, appeared or vanished: drop the answers that depend on them."""
        changed = frozenset(paths)
        if changed:
            for invalidator in self._invalidators:
                invalidator(changed)

    def clear(self) -> None:
        for table in self._tables:
            table.clear()

    def weight(self) -> int:
        """The summed size of the texts held (for tests of boundedness)."""
        return sum(t.weight for t in self._tables)


def drop_all(table: Bounded[K, V], paths: frozenset[Path]) -> None:
    table.clear()


CACHE = CamkesCache()


def digest(text: str) -> bytes:
    """A text's key in every table (16 bytes instead of the text itself)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
