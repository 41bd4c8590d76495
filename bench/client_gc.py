"""Keeping a benchmark client's own garbage collector out of what it times.

A client that parses thousands of objects per answer starts a full collection of its own heap every
dozen answers or so: tens of ms in the timing that are not the server's. Each timed request runs with
the collector paused; what it would have collected is collected after the clock has stopped.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Keep the collector off for the block (restored as it was)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
