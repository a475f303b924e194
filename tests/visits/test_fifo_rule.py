"""With ``STATDESK_VISIT_QUEUE_RULE=fifo`` a due booking waits its turn by arrival."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from core import clock
from tests.support.roster import wib
from visits import counters, services


@pytest.fixture
def app_config(app_config):
    return {**app_config, "STATDESK_VISIT_QUEUE_RULE": "fifo"}


def test_fifo_calls_by_arrival_even_when_a_booking_is_due(app, office):
    office.operator("oki@example.org")
    counter_id = office.counter("Loket 1")
    with app.app_context():
        with clock.frozen(wib(2026, 11, 23, 9)):
            booked = services.book(None, services.BookingData("data", wib(2026, 11, 24, 9, 30).astimezone(UTC),
                                                              "Budi", "0812345678"))
        with clock.frozen(wib(2026, 11, 24, 9, 20)):
            oki = office.user("oki@example.org")
            walk = services.issue_ticket(oki, "data")
            clock.advance(timedelta(minutes=1))
            services.check_in(oki, booked.code)
            counters.sign_in(oki, counter_id)
            assert counters.call_next(oki, counter_id).id == walk.id


def test_a_bad_rule_stops_the_start(app_config):
    from app import create_app
    from core.settings import ConfigurationError

    with pytest.raises(ConfigurationError, match="STATDESK_VISIT"):
        create_app({**app_config, "STATDESK_VISIT_QUEUE_RULE": "lottery"})
