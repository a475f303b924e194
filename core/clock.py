"""The one clock of the application, which tests can freeze and move.

Every "now" in Statdesk comes from ``now()``: timezone-aware UTC.  Tests use
``frozen(at)`` to fix it and ``advance(delta)`` to move it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

_lock = threading.Lock()
_frozen_at: datetime | None = None


def now() -> datetime:
    """The current instant as an aware UTC datetime (frozen in tests)."""
    frozen_at = _frozen_at
    if frozen_at is not None:
        return frozen_at
    return datetime.now(UTC)


def _as_utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("the clock takes timezone-aware datetimes only")
    return at.astimezone(UTC)


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Fix ``now()`` at ``at`` for the duration of the block."""
    global _frozen_at
    with _lock:
        previous, _frozen_at = _frozen_at, _as_utc(at)
    try:
        yield
    finally:
        with _lock:
            _frozen_at = previous


def advance(delta: timedelta) -> datetime:
    """Move a frozen clock forward; an error if the clock is not frozen."""
    global _frozen_at
    with _lock:
        if _frozen_at is None:
            raise RuntimeError("advance() needs a frozen clock")
        _frozen_at = _frozen_at + delta
        return _frozen_at
