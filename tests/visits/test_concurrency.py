"""On PostgreSQL: simultaneous tickets, calls and bookings (20 and 10 requests released together)."""

from __future__ import annotations

from collections import Counter as Tally
from contextlib import suppress
from datetime import UTC

import pytest
import sqlalchemy as sa

from core import clock
from core.errors import Conflict
from core.extensions import db
from core.models import AuditEntry
from tests.support.concurrency import run_together
from tests.support.roster import wib
from visits import counters, services
from visits.models import Visit, VisitStatus

pytestmark = pytest.mark.postgresql_only
TUESDAY_9 = wib(2026, 11, 24, 9)


@pytest.fixture(autouse=True)
def _postgresql_only(backend):
    if backend != "postgresql":
        pytest.skip("runs on the PostgreSQL pass")


def _in_request(app, work):
    def run(index):
        with app.test_request_context():
            try:
                return work(index)
            finally:
                db.session.remove()

    return run


def test_two_receptionists_and_two_counters_twenty_at_once(app, office):
    emails = [office.operator("oki@example.org"), office.operator("ola@example.org")]
    counter_ids = [office.counter("Loket 1"), office.counter("Loket 2")]
    with clock.frozen(TUESDAY_9):
        with app.app_context():
            for email, counter_id in zip(emails, counter_ids, strict=True):
                counters.sign_in(office.user(email), counter_id)
            for _ in range(6):
                services.issue_ticket(office.user(emails[0]), "data")

        def work(index):
            operator = office.user(emails[index % 2])
            if index % 4 < 2:  # the two receptionists
                return ("ticket", services.issue_ticket(operator, "data" if index % 8 < 4 else "metadata").id)
            with suppress(Conflict):  # the two counters: send the visitor at the counter away, then call the next
                counters.no_show(operator, counter_ids[index % 2])
            try:
                called = counters.call_next(operator, counter_ids[index % 2])
            except Conflict:  # the same counter's other request has just called someone
                return ("busy", None)
            return ("called", called.id if called else None)

        results = run_together(_in_request(app, work))
    assert sum(kind == "ticket" for kind, _ in results) == 10
    with app.app_context():
        visits = db.session.scalars(sa.select(Visit)).all()
        for series in ("data", "metadata"):
            numbers = sorted(v.ticket_number for v in visits if v.series == series)
            assert numbers == list(range(1, len(numbers) + 1))  # unique and gapless
        calls = Tally(db.session.scalars(sa.select(AuditEntry.object_id).where(
            AuditEntry.action == "visit.called")).all())
        assert calls and max(calls.values()) == 1  # nobody called twice
        called = [v for v in visits if v.status is not VisitStatus.WAITING]
        assert len(called) == len(calls)
        at_counter = Tally(v.counter_id for v in visits if v.status is VisitStatus.CALLED)
        assert all(count == 1 for count in at_counter.values())  # one visitor at a counter at a time


def test_ten_requests_for_the_last_place_one_succeeds(app):
    slot = wib(2026, 11, 24, 10).astimezone(UTC)
    with clock.frozen(wib(2026, 11, 23, 9)):
        with app.app_context():
            services.book(None, services.BookingData("data", slot, "Pertama", "0811111111"))

        def work(index):
            try:
                data = services.BookingData("data", slot, f"Tamu {index}", f"08123456{index:04d}")
                return services.book(None, data).id
            except Conflict:
                return None

        results = run_together(_in_request(app, work), 10)
    assert sum(result is not None for result in results) == 1
    with app.app_context():
        assert services.places_taken("data", slot) == 2
