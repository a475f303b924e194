"""Requests recorded at the desk: letters (clock from the date received), handling a walk-in on the spot."""

from datetime import date, datetime

import sqlalchemy as sa

from consultation.models import Channel, Ticket
from core import clock
from core.extensions import db
from roster import services as roster_services
from roster.models import AssignmentDecision, DecisionOutcome
from tests.consultation.helpers import user
from tests.support.roster import WIB, wib

MONDAY_10 = wib(2026, 11, 23, 10)
LETTER = {"channel": "letter", "full_name": "Kepala Desa Sukamaju", "segment": "government",
          "institution": "Pemerintah Desa Sukamaju", "kind": "data", "subject": "Data penduduk desa",
          "question": "Mohon data jumlah penduduk Desa Sukamaju menurut jenis kelamin.",
          "received_on": "2026-11-18", "letter_reference": "140/27/DS/XI/2026", "letter_date": "2026-11-16",
          "postal_address": "Jl. Raya Sukamaju No. 1\nKecamatan Praya, Lombok Tengah 83511"}


def _only_ticket() -> Ticket:
    return db.session.scalars(sa.select(Ticket)).one()


def test_a_letter_without_email_or_phone_counts_from_the_day_received_skipping_an_office_closure(
        app, client, roster, users, login):
    roster.operator(email="op@example.org")
    with app.app_context():
        roster_services.add_closure(roster.supervisor(), date(2026, 11, 20), "Cuti bersama")  # a Friday
    login("op@example.org")
    with clock.frozen(MONDAY_10):
        response = client.post("/consultations/desk/enter", data=LETTER)
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    with app.app_context():
        ticket = _only_ticket()
        assert ticket.channel is Channel.LETTER and ticket.requester.email is None
        assert ticket.letter.reference == "140/27/DS/XI/2026" and "Praya" in ticket.letter.postal_address
        assert ticket.received_at == wib(2026, 11, 18, 8)  # Wednesday's opening, not Monday's data entry
        assert ticket.response_due_at == wib(2026, 11, 18, 16)  # one working day
        # five working days: Wed, Thu, (Fri closed), Mon, Tue, Wed
        assert ticket.resolution_due_at == wib(2026, 11, 25, 16)
    page = client.get(f"/consultations/{ticket.number}").get_data(as_text=True)
    assert "140/27/DS/XI/2026" in page and "18-11-2026" in page


def test_without_the_closure_the_same_letter_is_due_a_day_earlier(app, client, roster, login):
    roster.operator(email="op@example.org")
    login("op@example.org")
    with clock.frozen(MONDAY_10):
        assert client.post("/consultations/desk/enter", data=LETTER).status_code == 302
    with app.app_context():
        assert _only_ticket().resolution_due_at == wib(2026, 11, 24, 16)


def test_a_letter_needs_its_date_received_and_no_date_in_the_future(app, client, roster, login):
    roster.operator(email="op@example.org")
    login("op@example.org")
    with clock.frozen(MONDAY_10):
        missing = client.post("/consultations/desk/enter", data={**LETTER, "received_on": ""})
        future = client.post("/consultations/desk/enter", data={**LETTER, "received_on": "2026-11-24"})
        backwards = client.post("/consultations/desk/enter", data={**LETTER, "letter_date": "2026-11-19"})
        nobody = client.post("/consultations/desk/enter", data={**LETTER, "postal_address": ""})
    for response in (missing, future, backwards, nobody):
        assert response.status_code in (400, 422)
    text = missing.get_data(as_text=True)
    assert "Isi tanggal surat diterima." in text
    assert "Tanggal diterima tidak boleh di masa depan." in future.get_data(as_text=True)
    assert LETTER["question"] in text  # what was typed is kept
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0


def test_handle_it_myself_assigns_the_walk_in_to_the_recording_operator(app, client, roster, users, login):
    me = roster.operator(email="op@example.org")
    roster.operator()  # a colleague with the same shift and no work: the engine would have chosen them
    walk_in = {"channel": "walk_in", "full_name": "Inaq Sahnun", "phone": "0819 0000 1111", "segment": "public",
               "kind": "data", "subject": "Harga beras", "question": "Berapa harga beras di Lombok Tengah?",
               "handle_myself": "y"}
    login("op@example.org")
    with clock.frozen(MONDAY_10):
        assert client.post("/consultations/desk/enter", data=walk_in).status_code == 302
    with app.app_context():
        assert _only_ticket().assignee_id == me
        decision = db.session.scalars(sa.select(AssignmentDecision)).one()
        assert decision.outcome is DecisionOutcome.TAKEN and decision.reason["code"] == "recorder"


def test_handle_it_myself_over_quota_needs_a_reason_which_the_log_keeps(app, client, roster, login):
    me = roster.operator(email="op@example.org", quota=0)
    walk_in = {"channel": "walk_in", "full_name": "Amaq Jun", "phone": "0819 0000 2222", "segment": "public",
               "kind": "data", "subject": "Data IPM", "question": "Berapa IPM Lombok Tengah tahun ini?",
               "handle_myself": "y"}
    login("op@example.org")
    with clock.frozen(MONDAY_10):
        refused = client.post("/consultations/desk/enter", data=walk_in)
        assert refused.status_code == 409
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0
        accepted = client.post("/consultations/desk/enter", data={**walk_in, "over_quota_reason": "He is at the desk"})
    assert accepted.status_code == 302
    with app.app_context():
        assert _only_ticket().assignee_id == me
        assert db.session.scalars(sa.select(AssignmentDecision)).one().reason["over_quota"] == "He is at the desk"


def test_handle_it_myself_off_duty_is_refused_and_nothing_is_written(app, client, roster, login):
    roster.operator(email="op@example.org")
    walk_in = {"channel": "walk_in", "full_name": "Inaq Sahnun", "phone": "0819 0000 1111", "segment": "public",
               "kind": "data", "subject": "Harga beras", "question": "Berapa harga beras di Lombok Tengah?",
               "handle_myself": "y"}
    login("op@example.org")
    with clock.frozen(datetime(2026, 11, 23, 19, tzinfo=WIB)):
        response = client.post("/consultations/desk/enter", data=walk_in)
    assert response.status_code == 409
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0
        assert user("op@example.org") is not None


def test_the_desk_lists_my_requests_by_deadline_with_overdue_marked(app, client, roster, users, login):
    from consultation.models import RequestKind
    from tests.consultation.helpers import open_request

    roster.operator(email="op@example.org", shifts=[(0, "08:00", "16:00", "data,complaint")])
    with clock.frozen(wib(2026, 11, 23, 9)):
        later = open_request(app, users.make())  # due Tuesday 09:00
    with clock.frozen(wib(2026, 11, 23, 10)):
        sooner = open_request(app, users.make(), RequestKind.COMPLAINT)  # four working hours: due Monday 14:00
    login("op@example.org")
    with clock.frozen(wib(2026, 11, 23, 15)):
        html = client.get("/consultations/desk").get_data(as_text=True)
    mine = html[html.index('id="mine"'):html.index('id="queue"')]
    assert mine.index(sooner) < mine.index(later)
    assert mine.count('class="overdue"') == 1


def test_a_phone_only_citizen_gets_a_call_back_that_is_recorded(app, client, roster, users, login, outbox):
    from consultation.models import CallBack, CallOutcome

    roster.operator(email="op@example.org")
    walk_in = {"channel": "phone", "full_name": "Amaq Sarip", "phone": "0819 0000 3333", "segment": "public",
               "kind": "data", "subject": "Harga cabai", "question": "Berapa harga cabai rawit di Praya minggu ini?"}
    login("op@example.org")
    with clock.frozen(MONDAY_10):
        assert client.post("/consultations/desk/enter", data=walk_in).status_code == 302
        with app.app_context():
            number = _only_ticket().number
        client.post(f"/consultations/{number}/reply", data={"body": "Harga cabai rawit Rp 45.000 per kg."})
        page = client.get(f"/consultations/{number}").get_data(as_text=True)
        assert "+62819" in page and "Amaq Sarip" in page
        listing = client.get("/helpdesk/").get_data(as_text=True)
        assert "+6281900003333" in listing  # the work list says a call-back waits
        with app.app_context():
            callback = db.session.scalars(sa.select(CallBack)).one()
        client.post(f"/consultations/{number}/calls/{callback.id}", data={"outcome": "no_answer"})
        with app.app_context():
            waiting = db.session.scalars(sa.select(CallBack).where(CallBack.called_at.is_(None))).one()
        client.post(f"/consultations/{number}/calls/{waiting.id}", data={"outcome": "reached", "note": "Dijelaskan."})
    with app.app_context():
        calls = db.session.scalars(sa.select(CallBack).order_by(CallBack.id)).all()
        assert [c.outcome for c in calls] == [CallOutcome.NO_ANSWER, CallOutcome.REACHED]
    assert not [m for m in outbox() if m.kind == "reply"]  # nobody to e-mail
