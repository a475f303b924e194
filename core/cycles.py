"""Pausing Python's cycle collector around work that makes many objects and no reference cycles.

Every few hundred new container objects the collector runs, and now and then it walks every tracked
object of the process: in a worker holding a large heap that walk costs hundreds of milliseconds, far
more than the work that set it off (reading a 100,000-row upload, building the 10,000 cells of a table
selection).  Such work creates no cycles, so reference counting frees all of it; pausing the collector
for its duration only postpones the collector's next run.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off for the block (left off if it was off already)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
