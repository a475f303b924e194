"""Privacy self-service: consent at registration, "download my data", "close my account", retention."""

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa

from accounts import privacy
from accounts.models import User
from accounts.privacy_models import PrivacyRequest, PrivacyStatus
from consultation import services as consultation_services
from consultation.models import RequestKind, Ticket
from core import clock
from core.extensions import db
from core.models import AuditEntry, OutboxMessage, OutboxStatus
from orders.models import Invoice, Order
from tests.accounts.helpers import REGISTRATION
from tests.orders.conftest import Shop, upload
from tests.support import orders_catalog


@pytest.fixture
def shop(app, users):
    orders_catalog.install(app)
    return Shop(app, users)


def _consultation(app, email, question, attachment=None):
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        data = consultation_services.RequestData(kind=RequestKind.DATA, subject="Data kemiskinan",
                                                 question=question, files=[attachment] if attachment else [])
        return consultation_services.open_request(user, data).number


def _sweep(app, function):
    with app.app_context():
        return function()


def test_registration_records_consent_and_refuses_without_it(client, users):
    refused = client.post("/register", data={k: v for k, v in REGISTRATION.items() if k != "consent"})
    assert refused.status_code == 400
    assert "Setujui pemberitahuan privasi" in refused.get_data(as_text=True)
    assert users.get(REGISTRATION["email"]) is None
    assert client.post("/register", data=REGISTRATION).status_code == 201
    user = users.get(REGISTRATION["email"])
    assert user.privacy_notice_version == privacy.NOTICE_VERSION and user.privacy_consent_at is not None
    assert client.get("/register").get_data(as_text=True).count('href="/privacy"') >= 1
    assert "UU No. 27 Tahun 2022" in client.get("/privacy").get_data(as_text=True)


def test_download_my_data_holds_my_profile_orders_consultations_and_files_and_nothing_else(
        app, client, login, users, shop, outbox):
    mine = shop.consumer(full_name="Sinta Peneliti", institution="Universitas Mataram")
    other = shop.consumer(full_name="Bayu Lain")
    [my_order] = shop.order(mine, (orders_catalog.MICRODATA, 1, {"variables": ["r101"]}),
                            purpose="Analisis kemiskinan Lombok", abstract=upload("abstrak-sinta.pdf", b"%PDF sinta"))
    shop.order(other, (orders_catalog.MICRODATA, 1, {"variables": ["r102"]}), purpose="Rahasia Bayu",
               abstract=upload("abstrak-bayu.pdf", b"%PDF bayu"))
    my_ticket = _consultation(app, mine, "Berapa angka kemiskinan Lombok Timur 2024?",
                              upload("lampiran-sinta.pdf", b"%PDF lampiran sinta"))
    _consultation(app, other, "Pertanyaan pribadi Bayu tentang Sumbawa")

    login(mine)
    response = client.post("/account/data-export")
    assert response.status_code == 302
    client.post("/account/data-export")  # a second click while it is prepared is the same request
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PrivacyRequest.id))) == 1
    assert _sweep(app, privacy.prepare_exports) == 1
    assert _sweep(app, privacy.prepare_exports) == 0  # idempotent

    [mail] = [m for m in outbox() if m.kind == "data_export"]
    assert mail.recipient == mine
    link = re.search(r"(/account/data-export/\S+)", mail.body_text).group(1)
    download = client.get(link)
    assert download.status_code == 200 and download.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    names = set(archive.namelist())
    assert {"profile.json", "orders.json", "consultations.json"} <= names
    profile = json.loads(archive.read("profile.json"))
    assert profile["email"] == mine and profile["institution"] == "Universitas Mataram"
    orders = json.loads(archive.read("orders.json"))["orders"]
    assert [o["purpose"] for o in orders] == ["Analisis kemiskinan Lombok"]
    consultations = json.loads(archive.read("consultations.json"))
    assert [c["number"] for c in consultations] == [my_ticket]
    file_bytes = {name: archive.read(name) for name in names if name.startswith("files/")}
    assert b"%PDF sinta" in file_bytes.values() and b"%PDF lampiran sinta" in file_bytes.values()
    everything = b"".join(archive.read(name) for name in names)
    for foreign in (other.encode(), b"Bayu", b"Rahasia", b"Sumbawa", b"%PDF bayu"):
        assert foreign not in everything

    client.post("/logout")
    login(other)
    assert client.get(link).status_code == 404  # the link is only for its owner
    client.post("/logout")
    login(mine)
    with clock.frozen(clock.now() + timedelta(days=8)):
        _sweep(app, privacy.prepare_exports)
        assert client.get(link).status_code == 410
    with app.app_context():
        assert db.session.scalar(sa.select(PrivacyRequest.status)) is PrivacyStatus.EXPIRED


def test_close_my_account_erases_personal_fields_keeps_invoices_and_audit_and_stops_sign_in(
        app, client, login, users, shop, outbox):
    email = shop.consumer(full_name="Sinta Peneliti", institution="Universitas Mataram")
    [order_id] = shop.order(email, (orders_catalog.MAP, 1, {"region": "5203"}))
    login(email)
    page = client.get("/account/close").get_data(as_text=True)
    assert "sepuluh tahun" in page  # what is kept, and why, is said before closing

    wrong = client.post("/account/close", data={"password": "not-my-password", "confirm": "y"})
    assert wrong.status_code == 400 and "Kata sandi tidak benar" in wrong.get_data(as_text=True)
    unticked = client.post("/account/close", data={"password": users.PASSWORD})
    assert unticked.status_code == 400
    done = client.post("/account/close", data={"password": users.PASSWORD, "confirm": "y"})
    assert done.status_code == 200 and "sepuluh tahun" in done.get_data(as_text=True)

    with app.app_context():
        user = db.session.scalar(sa.select(User).join(Order, Order.user_id == User.id).where(Order.id == order_id))
        assert user.email is None and user.full_name == privacy.CLOSED_NAME and user.password_hash is None
        assert not user.active and user.closed_at is not None
        assert (user.profile.institution, user.profile.phone, user.profile.npwp) == ("", "", "")
        assert db.session.scalar(sa.select(Invoice).where(Invoice.order_id == order_id)) is not None
        actions = list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))
        assert actions[-1] == "account.closed" and len(actions) > 1  # the earlier entries are still there
    assert client.get("/account").status_code == 302  # the session ended
    refused = client.post("/login", data={"email": email, "password": users.PASSWORD})
    assert refused.status_code != 302
    [closed_mail] = [m for m in outbox() if m.kind == "account_closed"]
    assert closed_mail.recipient == email and "sepuluh tahun" in closed_mail.body_text


def test_staff_close_their_account_through_an_administrator(client, login, users):
    login(users.make("operator"))
    response = client.post("/account/close", data={"password": users.PASSWORD, "confirm": "y"})
    assert response.status_code == 403


def test_administrators_see_the_requests(app, client, login, users):
    consumer = users.make("consumer")
    login(consumer)
    client.post("/account/data-export")
    client.post("/logout")
    login(users.make("admin"))
    page = client.get("/admin/privacy")
    assert page.status_code == 200
    assert consumer in page.get_data(as_text=True) and "Sedang disiapkan" in page.get_data(as_text=True)
    client.post("/logout")
    login(users.make("consumer"))
    assert client.get("/admin/privacy").status_code == 403


def test_retention_sweep_deletes_old_mail_and_counters_only(app):
    from accounts.models import LoginThrottle, ThrottleScope

    old = clock.now() - timedelta(days=200)
    with app.app_context():
        db.session.add_all([
            OutboxMessage(recipient="a@example.org", subject="old", body_text="", body_html="", kind="x",
                          status=OutboxStatus.SENT, next_attempt_at=old, created_at=old),
            OutboxMessage(recipient="b@example.org", subject="new", body_text="", body_html="", kind="x",
                          status=OutboxStatus.SENT, next_attempt_at=clock.now()),
            OutboxMessage(recipient="c@example.org", subject="old pending", body_text="", body_html="", kind="x",
                          status=OutboxStatus.PENDING, next_attempt_at=old, created_at=old),
            LoginThrottle(scope=ThrottleScope.ACCOUNT, key="a@example.org", failures=1, window_started_at=old),
        ])
        db.session.commit()
        counts = privacy.apply_retention()
        assert counts["emails"] == 1 and counts["throttles"] == 1
        assert sorted(db.session.scalars(sa.select(OutboxMessage.subject))) == ["new", "old pending"]


def test_consultation_text_is_kept_without_the_name_after_closing(app, client, login, users):
    email = users.make("consumer", full_name="Sinta Peneliti")
    number = _consultation(app, email, "Berapa angka kemiskinan Lombok Timur 2024?")
    login(email)
    client.post("/account/close", data={"password": users.PASSWORD, "confirm": "y"})
    with app.app_context():
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
        assert ticket.question.startswith("Berapa") and ticket.requester.full_name == privacy.CLOSED_NAME


def test_closing_revokes_the_account_s_api_tokens(app, client, login, users):
    from accounts import api_tokens
    from accounts.models import ApiToken

    email = users.make("consumer")
    with app.app_context():
        owner = db.session.scalar(sa.select(User).where(User.email == email))
        api_tokens.create(owner, "script", ["read"], 30)
        db.session.commit()
    login(email)
    client.post("/account/close", data={"password": users.PASSWORD, "confirm": "y"})
    with app.app_context():
        [token] = db.session.scalars(sa.select(ApiToken)).all()
        assert token.revoked_at is not None and token.revoked_by_id == token.user_id
