"""Booking, slots, reception tickets, the queue rule, counters and the survey (services and pages)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sqlalchemy as sa

from consultation.models import Channel, Status, Ticket
from core import clock
from core.errors import Conflict, DomainError
from core.extensions import db
from tests.support.roster import wib
from visits import counters, offer, queue, services
from visits.models import Counter, Notice, Visit, VisitStatus

MONDAY = wib(2026, 11, 23, 9)
TUESDAY = date(2026, 11, 24)


def _book(user=None, hour=10, service="data", day=TUESDAY, **extra):
    data = services.BookingData(service=service, slot_start=wib(day.year, day.month, day.day, hour).astimezone(UTC),
                                full_name=extra.get("name", "Budi Santoso"), phone=extra.get("phone", "0812 3456 7890"),
                                email=extra.get("email", "budi@example.org"))
    return services.book(user, data)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "STATDESK_VISIT_CLOSURES": "2026-11-26"}


def test_slots_follow_office_hours_holidays_and_closures(app):
    with app.app_context():
        starts = offer.slots(TUESDAY)
        local = [offer.working_calendar().local(s).strftime("%H:%M") for s in starts]
        assert local[0] == "08:00" and local[-1] == "15:30" and len(local) == 16
        assert offer.slots(date(2026, 11, 28)) == []  # Saturday
        assert offer.slots(date(2026, 12, 25)) == []  # Christmas Day, a public holiday
        assert offer.slots(date(2026, 11, 26)) == [] and offer.is_closed(date(2026, 11, 26))
        with clock.frozen(MONDAY):
            assert date(2026, 11, 26) not in offer.bookable_days()
            with pytest.raises(DomainError):
                _book(day=date(2026, 11, 26))
            with pytest.raises(DomainError):  # 16:00 is closing time: no slot starts there
                _book(hour=16)


def test_a_full_slot_cannot_be_booked(app, outbox):
    with app.app_context(), clock.frozen(MONDAY):
        first = _book()
        _book(name="Sari")
        with pytest.raises(Conflict):
            _book(name="Tono")  # data takes 2 places per slot
        assert services.free_places("data", TUESDAY)[first.slot_start] == 0
        services.cancel(first.id)
        assert services.free_places("data", TUESDAY)[first.slot_start] == 1
    mails = [m for m in outbox() if m.recipient == "budi@example.org"]
    assert {m.kind for m in mails} == {"booked", "cancelled"}
    assert first.code in mails[0].body_text and "/visits/booking/" in mails[0].body_text


def test_booking_page_confirmation_qr_change_and_cancel_by_link(app, client, outbox):
    with clock.frozen(MONDAY):
        page = client.get(f"/visits/book?service=data&day={TUESDAY.isoformat()}")
        assert page.status_code == 200 and "10:00" in page.get_data(as_text=True)
        with app.app_context():
            slot = wib(2026, 11, 24, 10).astimezone(UTC).isoformat()
            later = wib(2026, 11, 24, 11).astimezone(UTC).isoformat()
        bad = client.post("/visits/book", data={"service": "data", "day": TUESDAY.isoformat(), "slot": slot,
                                                "full_name": "Budi", "phone": "abc"})
        assert bad.status_code == 400
        response = client.post("/visits/book", data={"service": "data", "day": TUESDAY.isoformat(), "slot": slot,
                                                     "full_name": "Budi Santoso", "phone": "081234567890"})
        assert response.status_code == 303
        link = response.headers["Location"]
        confirmation = client.get(link).get_data(as_text=True)
        assert "booking-code" in confirmation
        qr = client.get(link + "/qr.svg")
        assert qr.status_code == 200 and qr.mimetype == "image/svg+xml" and b"<svg" in qr.data
        assert client.get(link[:-3] + "xyz").status_code == 404
        assert client.post(link + "/change", data={"slot": later}).status_code == 303
        with app.app_context():
            visit = db.session.scalar(sa.select(Visit))
            assert offer.working_calendar().local(visit.slot_start).hour == 11
            notices = db.session.scalars(sa.select(Notice.kind).order_by(Notice.id)).all()
            assert notices == ["booked", "changed"]
        assert client.post(link + "/cancel").status_code == 303
        with app.app_context():
            assert db.session.scalar(sa.select(Visit.status)) is VisitStatus.CANCELLED


def test_queue_rule_serves_due_bookings_first_but_not_forever():
    now = MONDAY
    walk = [queue.Waiting(i, now - timedelta(minutes=30 - i)) for i in range(1, 4)]
    due = [queue.Waiting(10 + i, now - timedelta(minutes=5), now + timedelta(minutes=5 * i)) for i in range(3)]
    early = queue.Waiting(20, now - timedelta(minutes=40), now + timedelta(hours=2))
    order = [entry.id for entry in queue.upcoming(walk + due + [early], now, 2, 0, 7)]
    assert order == [10, 11, 20, 12, 1, 2, 3]  # two booked, then the longest waiting (an early booking), …
    assert [e.id for e in queue.upcoming(walk + due, now, None, 0, 3)] == [1, 2, 3]  # fifo


def test_walk_in_and_booking_through_the_counter_to_a_rated_walk_in_request(app, office, outbox):
    office.operator("oki@example.org")
    counter_id = office.counter("Loket 1")
    with app.app_context():
        with clock.frozen(MONDAY):
            booked = _book()
        with clock.frozen(wib(2026, 11, 24, 9, 50)):
            oki = office.user("oki@example.org")
            walk = services.issue_ticket(oki, "data", "Ani")
            walk_two = services.issue_ticket(oki, "data", "")
            checked = services.check_in(oki, booked.code)
            assert (walk.ticket_label, walk_two.ticket_label, checked.ticket_label) == ("A-001", "A-002", "A-003")
            with pytest.raises(Conflict):
                services.check_in(oki, booked.code)
            counters.sign_in(oki, counter_id)
            called = counters.call_next(oki, counter_id)
            assert called.id == booked.id  # due: the slot is ten minutes away
            with pytest.raises(Conflict):
                counters.call_next(oki, counter_id)
            counters.recall(oki, counter_id)
            served = counters.serve(oki, counter_id, counters.ServeData(full_name="Budi Santoso"))
            ticket = db.session.get(Ticket, served.request_id)
            assert ticket.channel is Channel.WALK_IN and ticket.assignee_id == oki.id
            assert ticket.entered_by_id == oki.id
            counters.finish(oki, counter_id, "Tabel penduduk per kecamatan diberikan di loket.")
            db.session.expire_all()
            assert db.session.get(Ticket, served.request_id).status is Status.RESOLVED
            counter = counters.counter_from_tablet_token(counters.tablet_token(db.session.get(
                Counter, counter_id)))
            assert counters.survey_visit(counter).id == booked.id
            counters.rate_visit(counter, booked.id, dict.fromkeys(
                ("requirements", "procedure", "completion_time", "cost", "product", "competence", "behaviour",
                 "complaint_handling", "facilities"), 4))
            assert db.session.get(Ticket, served.request_id).rating is not None
            assert counters.survey_visit(counter) is None
            nxt = counters.call_next(oki, counter_id)
            assert nxt.id == walk.id
            counters.no_show(oki, counter_id)
            kinds = db.session.scalars(sa.select(Notice.kind).where(Notice.visit_id == booked.id)).all()
            assert set(kinds) == {"booked", "called"} and kinds.count("called") == 2


def test_the_reminder_goes_once_the_day_before(app, outbox):
    with app.app_context():
        with clock.frozen(MONDAY):
            visit = _book()
            assert services.remind_and_close_sweep()["reminded"] == 1
        with clock.frozen(wib(2026, 11, 23, 15)):
            assert services.remind_and_close_sweep()["reminded"] == 0
        with clock.frozen(wib(2026, 11, 25, 9)):
            assert services.remind_and_close_sweep()["no_show"] == 1
            assert db.session.get(Visit, visit.id).status is VisitStatus.NO_SHOW
    assert [m.kind for m in outbox() if m.kind == "reminder"] == ["reminder"]


class _Gateway(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Gateway.received.append((self.headers["Authorization"], body))
        self.send_response(202 if self.headers["Authorization"] == "Bearer sekret" else 401)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Gateway.received = []
    yield f"http://127.0.0.1:{server.server_port}/messages"
    server.shutdown()


def test_the_http_gateway_receives_the_confirmation(app, gateway):
    from visits.notify import HttpGateway, NotifyError

    app.config.update(STATDESK_VISIT_NOTIFIER="http", STATDESK_VISIT_GATEWAY_URL=gateway,
                      STATDESK_VISIT_GATEWAY_TOKEN="sekret", STATDESK_VISIT_GATEWAY_CHANNEL="whatsapp")
    with app.app_context(), clock.frozen(MONDAY):
        code = _book().code
    token, body = _Gateway.received[0]
    assert token == "Bearer sekret" and body["to"] == "+6281234567890" and body["channel"] == "whatsapp"
    assert code in body["text"]
    with pytest.raises(NotifyError):
        HttpGateway(gateway, "wrong", "sms").send("+62811", "x")


def test_staff_pages_and_the_board(app, client, login, office):
    office.operator("oki@example.org")
    counter_id = office.counter("Loket 1")
    login("oki@example.org")
    with clock.frozen(wib(2026, 11, 24, 9)):
        assert client.post("/visits/reception/check-in", data={"in-code": "NOPE"}).status_code == 400
        response = client.post("/visits/reception/ticket", data={"walk-service": "data", "walk-locale": "id"})
        assert response.status_code == 303
        assert "A-001" in client.get(response.headers["Location"]).get_data(as_text=True)
        assert client.post(f"/visits/counters/{counter_id}/sign-in", data={}).status_code == 303
        client.post(f"/visits/counters/{counter_id}/call")
        feed = client.get("/visits/board.json").get_json()
        assert feed["called"][0]["ticket"] == "A-001" and feed["called"][0]["counter"] == "Loket 1"
        board = client.get("/visits/board").get_data(as_text=True)
        assert "A-001" in board and "Sedang dilayani" in board and "Now serving" in board  # both languages
        assert client.get(f"/visits/counters/{counter_id}").status_code == 200
        assert client.get("/visits/counters/999").status_code == 404
