"""Pausing Python's cyclic garbage collector while a large model is built and read.

A large file makes hundreds of thousands of small objects, none in a cycle; each allocation burst
would start a collection that walks every live object again, which made building the model of a
100,000-line file several times slower than the work itself. Collection resumes when the last
pause has ended (pauses nest, and run on several threads in the server).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_PAUSES = [0]  # pauses running now, then (while there are any) whether collection was on before them
_PAUSE_LOCK = threading.Lock()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block; the outermost pause restores what it found."""
    with _PAUSE_LOCK:
        if _PAUSES[0] == 0:
            _PAUSES.append(gc.isenabled())
            gc.disable()
        _PAUSES[0] += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _PAUSES[0] -= 1
            if _PAUSES[0] == 0 and _PAUSES.pop():
                gc.enable()
