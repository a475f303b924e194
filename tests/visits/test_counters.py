"""Counters: duty decides the services, one operator per counter, transfer, no-show, notices; reports."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core import clock
from core.errors import Conflict, DomainError, Forbidden
from core.extensions import db
from tests.support.roster import wib
from visits import counters, services
from visits.models import Notice, Visit, VisitStatus

TUESDAY_9 = wib(2026, 11, 24, 9)


def test_the_duty_roster_decides_what_a_counter_serves(app, office):
    office.operator("oki@example.org", kinds="data,visit_pickup")
    office.operator("ola@example.org", kinds="metadata")
    counter_id = office.counter("Loket 1")
    with app.app_context():
        oki, ola = office.user("oki@example.org"), office.user("ola@example.org")
        with clock.frozen(wib(2026, 11, 28, 9)), pytest.raises(DomainError):  # Saturday: nobody on duty
            counters.sign_in(oki, counter_id)
        with clock.frozen(TUESDAY_9):
            assert counters.services_on_duty(oki) == ["data", "pickup"]
            counter = counters.sign_in(oki, counter_id, ["pickup", "classification"])
            assert counter.service_list == ["pickup"]  # classification is not in oki's shift
            with pytest.raises(Conflict):
                counters.sign_in(ola, counter_id)
            with pytest.raises(Forbidden):
                counters.call_next(ola, counter_id)
            services.issue_ticket(oki, "data")
            assert counters.call_next(oki, counter_id) is None  # the counter serves pick-up only
            services.issue_ticket(oki, "pickup", "Dewi", "0811 2222 3333")
            called = counters.call_next(oki, counter_id)
            assert called.ticket_label == "E-001"
            with pytest.raises(Conflict):
                counters.sign_out(oki, counter_id)
            moved = counters.transfer(oki, counter_id, "metadata")
            assert moved.status is VisitStatus.WAITING and moved.ticket_label == "E-001"
            counters.sign_out(oki, counter_id)
            counters.sign_in(ola, counter_id)
            assert counters.call_next(ola, counter_id).id == moved.id
            counters.no_show(ola, counter_id)
            assert db.session.get(Visit, moved.id).status is VisitStatus.NO_SHOW


def test_three_away_goes_once_to_the_third_in_line(app, office):
    office.operator("oki@example.org")
    counter_id = office.counter("Loket 1")
    with app.app_context(), clock.frozen(TUESDAY_9):
        oki = office.user("oki@example.org")
        tickets = [services.issue_ticket(oki, "data", f"Tamu {i}", f"0812000000{i:02d}").id for i in range(5)]
        counters.sign_in(oki, counter_id)
        counters.call_next(oki, counter_id)  # calls 0; then 1, 2 wait before 3
        counters.no_show(oki, counter_id)
        counters.call_next(oki, counter_id)  # calls 1; now 4 is third
        rows = db.session.execute(sa.select(Notice.visit_id, Notice.kind).where(Notice.kind == "three_away")).all()
        assert sorted(visit for visit, _ in rows) == [tickets[3], tickets[4]]


def test_reports_page_and_chart(app, client, login, office, users):
    office.operator("oki@example.org")
    counter_id = office.counter("Loket 1")
    with app.app_context(), clock.frozen(TUESDAY_9):
        oki = office.user("oki@example.org")
        services.issue_ticket(oki, "data", "Ani")
        counters.sign_in(oki, counter_id)
        counters.call_next(oki, counter_id)
        clock_later = wib(2026, 11, 24, 9, 12)
    with app.app_context(), clock.frozen(clock_later):
        counters.serve(office.user("oki@example.org"), counter_id, counters.ServeData("Ani", phone="0812999888"))
    with app.app_context(), clock.frozen(wib(2026, 11, 24, 9, 30)):
        counters.finish(office.user("oki@example.org"), counter_id)
    login(users.make("supervisor"))
    with clock.frozen(wib(2026, 11, 24, 12)):
        page = client.get("/visits/reports?from=2026-11-24&to=2026-11-24").get_data(as_text=True)
        assert "<svg" in page and "09:00" in page and "Loket 1" in page
        assert client.get("/visits/reports?from=2026-11-24&to=2020-01-01").status_code == 200
    with app.app_context():
        from visits import reports

        result = reports.build(TUESDAY_9.date(), TUESDAY_9.date())
        (_, times), = result.by_service
        assert times.visits == 1 and times.mean_wait == 0 and round(times.mean_service) == 18


def test_bad_links_and_input_are_refused_plainly(app, client):
    assert client.get("/visits/booking/not-a-token").status_code == 404
    assert client.get("/visits/tablet/not-a-token").status_code == 404
    assert client.post("/visits/book", data={"service": "data", "day": "2026-13-45", "slot": "x"}).status_code == 400
    assert client.post("/visits/book", data={"service": "nope", "slot": "2026-11-24T02:00:00+00:00"}).status_code == 400
    assert client.post("/visits/book", data={"service": "data", "full_name": "a\x00b"}).status_code == 400
