from datetime import UTC, datetime, timedelta

import pytest

from core import clock


def test_frozen_clock_returns_the_fixed_instant_and_advances():
    at = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    with clock.frozen(at):
        assert clock.now() == at
        clock.advance(timedelta(hours=2))
        assert clock.now() == at + timedelta(hours=2)
    assert clock.now() != at + timedelta(hours=2)


def test_clock_is_aware_utc():
    assert clock.now().utcoffset() == timedelta(0)


def test_clock_refuses_naive_times():
    with pytest.raises(ValueError), clock.frozen(datetime(2026, 1, 1)):
        pass
