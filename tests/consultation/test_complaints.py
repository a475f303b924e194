"""Complaints that teach: cause, corrective action, referral, a follow-up promise and message the citizen
receives, staff-only notes, and the supervisors' complaints report."""

import csv
import io
from datetime import date

import sqlalchemy as sa

from consultation.models import ComplaintHandling, RequestKind
from core import clock
from core.extensions import db
from tests.consultation.helpers import open_request, ticket
from tests.support.roster import wib

MONDAY_9 = wib(2026, 11, 23, 9)


def _complaint(app, roster, users):
    roster.operator(email="ani@example.org", shifts=[(0, "08:00", "16:00", "complaint"),
                                                     (1, "08:00", "16:00", "complaint")])
    citizen = users.make(email="warga@example.org")
    with clock.frozen(MONDAY_9):
        number = open_request(app, citizen, RequestKind.COMPLAINT)
    return number, citizen


def test_the_operator_records_cause_action_referral_and_the_citizen_receives_the_follow_up(
        app, client, roster, users, login, outbox):
    number, citizen = _complaint(app, roster, users)
    login("ani@example.org")
    with clock.frozen(wib(2026, 11, 23, 11)):
        response = client.post(f"/consultations/{number}/complaint", data={
            "cause": "wrong_data", "corrective_action": "Tabel 3.1 dikoreksi dan dirilis ulang.",
            "referred_unit": "Bidang Statistik Sosial", "follow_up_due": "2026-11-27",
            "message": "Terima kasih, kesalahan pada tabel 3.1 sedang kami perbaiki; hasilnya kami kabari Jumat."})
        assert response.status_code == 302
        client.post(f"/consultations/{number}/notes", data={"body": "Sudah dikonfirmasi dengan Bidang Sosial."})
    with app.app_context():
        handling = db.session.get(ComplaintHandling, ticket(number).id)
        assert (handling.cause.value, handling.referred_unit, handling.follow_up_due) == (
            "wrong_data", "Bidang Statistik Sosial", date(2026, 11, 27))
        assert handling.followed_up_at == wib(2026, 11, 23, 11)
        assert ticket(number).first_response_at is not None  # the message is an answer on the request
    assert [m.recipient for m in outbox() if m.kind == "reply"] == [citizen]
    staff_page = client.get(f"/consultations/{number}").get_data(as_text=True)
    assert "Sudah dikonfirmasi dengan Bidang Sosial." in staff_page and 'id="complaint-handling"' in staff_page
    client.post("/logout")
    login(citizen)
    page = client.get(f"/consultations/{number}").get_data(as_text=True)
    assert "kesalahan pada tabel 3.1" in page
    assert "Sudah dikonfirmasi" not in page and 'id="internal-notes"' not in page  # notes are staff only
    assert client.post(f"/consultations/{number}/notes", data={"body": "saya juga"}).status_code == 403


def test_bad_handling_is_refused_and_nothing_is_written(app, client, roster, users, login):
    number, _citizen = _complaint(app, roster, users)
    login("ani@example.org")
    with clock.frozen(wib(2026, 11, 23, 11)):
        past = client.post(f"/consultations/{number}/complaint", data={"cause": "payment",
                                                                       "follow_up_due": "2026-11-01"})
        unknown = client.post(f"/consultations/{number}/complaint", data={"cause": "aliens"})
    assert past.status_code == 303 and unknown.status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ComplaintHandling)) == 0


def test_the_complaints_report_counts_by_cause_and_unit_with_time_to_follow_up(app, client, roster, users, login):
    number, _citizen = _complaint(app, roster, users)
    login("ani@example.org")
    with clock.frozen(wib(2026, 11, 24, 10)):  # Tuesday: 7 + 2 working hours after arrival
        client.post(f"/consultations/{number}/complaint", data={
            "cause": "slow_service", "referred_unit": "Bagian Umum", "follow_up_due": "2026-11-25",
            "message": "Mohon maaf atas keterlambatan; layanan kami percepat mulai minggu ini."})
    client.post("/logout")
    login(users.make("supervisor"))
    with clock.frozen(wib(2026, 11, 30, 9)):
        body = client.get("/helpdesk/reports/complaints.csv",
                          query_string={"from": "2026-11-01", "to": "2026-11-30"}).get_data(as_text=True)
    rows = {(r["group_by"], r["group"]): r for r in csv.DictReader(io.StringIO(body.lstrip("\ufeff")))}
    cause = rows[("cause", "Layanan lambat atau tidak dijawab")]
    assert (cause["complaints"], cause["followed_up"], cause["follow_up_median_working_hours"]) == ("1", "1", "9.0")
    assert rows[("unit", "Bagian Umum")]["promise_missed"] == "0"
    assert rows[("month", "2026-11")]["complaints"] == "1"
