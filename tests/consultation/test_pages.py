"""Request pages: submission with attachments, on-behalf entry, bad input, rate limit."""

import io

import pytest
import sqlalchemy as sa

from accounts.models import User
from consultation.models import Attachment, Channel, Ticket
from core import clock
from core.extensions import db
from tests.support.roster import wib

MONDAY_9 = wib(2026, 11, 23, 9)
FORM = {"kind": "data", "subject": "Data inflasi", "question": "Di mana tabel inflasi bulanan Mataram?"}


def test_a_consumer_submits_a_request_with_a_sniffed_attachment(app, client, login, users, roster):
    roster.operator()
    login(users.make())
    with clock.frozen(MONDAY_9):
        response = client.post("/consultations/new", data={
            **FORM, "files": (io.BytesIO(b"%PDF-1.4 test"), "../../etc/Surat Permohonan.exe")},
            content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        attachment = db.session.scalar(sa.select(Attachment))
        assert (attachment.filename, attachment.content_type) == ("etc_Surat_Permohonan.pdf", "application/pdf")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "etc_Surat_Permohonan.pdf" in page


def test_an_unknown_file_type_is_refused_and_nothing_is_saved(app, client, login, users):
    login(users.make())
    response = client.post("/consultations/new", data={
        **FORM, "files": (io.BytesIO(b"MZ\x90\x00\x03binary"), "form.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 415
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0


def test_a_complaint_without_its_subject_is_refused(client, login, users):
    login(users.make())
    response = client.post("/consultations/new", data={**FORM, "kind": "complaint"})
    assert response.status_code == 400


def test_an_operator_records_a_phone_request_for_an_unregistered_person(app, client, login, roster):
    roster.operator(email="op@example.org")
    login("op@example.org")
    data = {**FORM, "channel": "phone", "full_name": "Pak Lalu", "phone": "0812-3456-7890", "segment": "public"}
    with clock.frozen(MONDAY_9):
        assert client.post("/consultations/desk/enter", data=data).status_code == 302
        assert client.post("/consultations/desk/enter", data=data).status_code == 302
    with app.app_context():
        people = db.session.scalars(sa.select(User).where(User.full_name == "Pak Lalu")).all()
        assert len(people) == 1 and people[0].password_hash is None and people[0].profile.phone == "+6281234567890"
        tickets = db.session.scalars(sa.select(Ticket)).all()
        assert {t.channel for t in tickets} == {Channel.PHONE} and {t.requester_id for t in tickets} == {people[0].id}


@pytest.fixture
def app_config(app_config):
    return dict(app_config, RATELIMIT_ENABLED=True)


def test_submissions_are_rate_limited(client, login, users):
    login(users.make())
    codes = [client.post("/consultations/new", data={**FORM, "kind": "nonsense"}).status_code for _ in range(6)]
    assert codes[-1] == 429
