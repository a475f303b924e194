"""Retrying a whole operation when PostgreSQL aborts it for a deadlock or a serialization failure.

Such an abort is not a bug but a lost race: the transaction is rolled back and
the operation, which reads its state afresh, runs again.  Other errors pass through.
The rollback also drops the after-commit effects the failed attempt queued
(``core.unit_of_work``); the attempt that commits queues its own.
"""

from __future__ import annotations

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
