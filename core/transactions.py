"""Retrying a whole operation when PostgreSQL aborts it for a deadlock or a serialization failure, and
doing a thing once under a unique marker row.

Such an abort is not a bug but a lost race: the transaction is rolled back and
the operation, which reads its state afresh, runs again.  Other errors pass through.
The rollback also drops the after-commit effects the failed attempt queued
(``core.unit_of_work``); the attempt that commits queues its own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

import sqlalchemy as sa

from core.extensions import db

RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure


def is_retryable(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", None)
    return isinstance(exc, sa.exc.DBAPIError) and getattr(orig, "sqlstate", None) in RETRYABLE_SQLSTATES


def retry_on_conflict(function=None, *, attempts: int = 3):
    """Run ``function``; after a deadlock or serialization failure roll back and run it again."""

    def decorate(operation):
        @wraps(operation)
        def wrapper(*args, **kwargs):
            for attempt in range(1, attempts + 1):
                try:
                    return operation(*args, **kwargs)
                except sa.exc.DBAPIError as exc:
                    db.session.rollback()
                    if not is_retryable(exc) or attempt == attempts:
                        raise
            raise AssertionError("unreachable")  # pragma: no cover

        return wrapper

    return decorate(function) if function is not None else decorate


def commit_once(marker, effect: Callable[[], None]) -> int:
    """Add ``marker`` (a row under a unique key), run ``effect`` and commit both together; 1 if done, else 0.

    When another process has already added the same marker (its insert or our commit meets the unique key)
    everything is rolled back and nothing is done twice: the pattern behind reminders that a second or
    simultaneous sweep must not send again.
    """
    try:
        db.session.add(marker)
        db.session.flush()
    except sa.exc.IntegrityError:  # another process did it a moment ago
        db.session.rollback()
        return 0
    effect()
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        return 0
    return 1
