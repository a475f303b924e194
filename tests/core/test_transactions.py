"""Operations that lose a race to a deadlock or serialization failure run again; other errors do not."""

import pytest
import sqlalchemy as sa

from core.transactions import retry_on_conflict


class FakeDriverError(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _failing(sqlstate, times, calls):
    @retry_on_conflict
    def operation():
        calls.append(1)
        if len(calls) <= times:
            raise sa.exc.OperationalError("UPDATE …", {}, FakeDriverError(sqlstate))
        return "done"

    return operation


def test_a_deadlock_is_retried_until_the_operation_succeeds(app):
    calls = []
    with app.app_context():
        assert _failing("40P01", 2, calls)() == "done"
    assert len(calls) == 3


def test_retries_stop_after_three_attempts(app):
    calls = []
    with app.app_context(), pytest.raises(sa.exc.OperationalError):
        _failing("40001", 5, calls)()
    assert len(calls) == 3


def test_other_database_errors_are_not_retried(app):
    calls = []
    with app.app_context(), pytest.raises(sa.exc.OperationalError):
        _failing("23505", 1, calls)()
    assert len(calls) == 1
