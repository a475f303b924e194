"""Personal access tokens: made on the account page and shown once, stored hashed, refused when revoked,
expired, malformed or out of scope; a consumer reads their own orders and consultations only, and opens,
answers and rates consultations through the API."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from accounts.models import ApiToken, User
from core import clock
from core.extensions import db
from core.models import AuditEntry
from orders import services as order_services
from tests.api.conftest import bearer


def _user(app, email):
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        db.session.expunge(user)
        return user


def test_a_token_is_made_on_the_account_page_shown_once_and_kept_hashed(app, client, users, login):
    email = login(users.make())
    made = client.post("/account/tokens", data={"name": "skrip", "scopes": ["read", "orders"], "days": "30"})
    assert made.status_code == 201 and made.headers["Cache-Control"] == "no-store"
    token = re.search(r'value="(sdt_[^"]+)"', made.get_data(as_text=True)).group(1)
    with app.app_context():
        row = db.session.scalar(sa.select(ApiToken))
        assert row.token_hash != token and token not in row.token_hash and row.scopes == "read orders"
        assert row.user.email == email
    profile = client.get("/account").get_data(as_text=True)
    assert "skrip" in profile and token not in profile and f"sdt_{row.prefix}" in profile
    assert client.get("/api/v1/me/orders", headers=bearer(token)).status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(ApiToken)).last_used_at is not None


def test_bad_tokens_get_401_and_a_missing_scope_403(app, client, users, token_for):
    email = users.make()
    token = token_for(email, scopes=("read",))
    missing = client.get("/api/v1/me/orders")
    assert missing.status_code == 401 and missing.mimetype == "application/problem+json"
    assert client.get("/api/v1/me/orders", headers=bearer("sdt_nope")).status_code == 401
    assert client.get("/api/v1/me/orders", headers={"Authorization": "Basic eDp5"}).status_code == 401
    assert client.get("/api/v1/catalog/items", headers=bearer(token[:-1] + "x")).status_code == 401
    out_of_scope = client.get("/api/v1/me/orders", headers=bearer(token))
    assert out_of_scope.status_code == 403 and "orders" in out_of_scope.get_json()["detail"]
    assert client.get("/api/v1/catalog/items", headers=bearer(token)).status_code == 200

    expired = token_for(email, scopes=("orders",), days=7)
    with clock.frozen(clock.now() + timedelta(days=8)):
        assert client.get("/api/v1/me/orders", headers=bearer(expired)).status_code == 401

    revoked = token_for(email, scopes=("orders",))
    with app.app_context():
        row = db.session.scalar(sa.select(ApiToken).order_by(ApiToken.id.desc()))
        from accounts import api_tokens

        api_tokens.revoke(row.user, row.id)
    assert client.get("/api/v1/me/orders", headers=bearer(revoked)).status_code == 401


def test_a_session_cookie_does_not_authorise_the_api(client, users, login):
    login(users.make())
    assert client.get("/api/v1/me/orders").status_code == 401
    assert client.post("/api/v1/me/consultations", json={}).status_code == 401


def test_an_administrator_revokes_any_token_and_another_user_cannot(app, client, users, token_for, login):
    owner = users.make()
    token = token_for(owner)
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    login(users.make())
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 404
    client.post("/logout")
    login(users.make("admin"))
    assert "sdt_" in client.get("/admin/tokens").get_data(as_text=True)
    assert client.post(f"/account/tokens/{token_id}/revoke", data={"back": "admin"}).status_code == 302
    assert client.get("/api/v1/me/orders", headers=bearer(token)).status_code == 401
    with app.app_context():
        assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "api_token.revoked"))


def test_a_consumer_reads_their_own_orders_and_invoices_only(app, client, users, items, token_for):
    paid = items.make("publication", access="paid", tariff_kind="flat", tariff={"price": 150000})
    mine, theirs = users.make(), users.make()
    numbers = {}
    for email in (mine, theirs):
        with app.app_context():
            user = db.session.scalar(sa.select(User).where(User.email == email))
            order_services.add_to_cart(user, paid, 1)
            orders = order_services.checkout(user, order_services.CheckoutRequest())
            numbers[email] = orders[0].id
    token = token_for(mine)
    listed = client.get("/api/v1/me/orders", headers=bearer(token)).get_json()
    assert [order["id"] for order in listed["orders"]] == [numbers[mine]] and listed["total"] == 1
    assert client.get(f"/api/v1/me/orders/{numbers[mine]}", headers=bearer(token)).status_code == 200
    assert client.get(f"/api/v1/me/orders/{numbers[theirs]}", headers=bearer(token)).status_code == 404
    invoices = client.get("/api/v1/me/invoices", headers=bearer(token)).get_json()["invoices"]
    assert [invoice["order"] for invoice in invoices] == [listed["orders"][0]["number"]]
    for invoice in invoices:
        assert invoice["billing_code"] and invoice["expires_at"] and invoice["amount"] == 150000
    assert client.get("/api/v1/me/downloads", headers=bearer(token)).get_json()["downloads"] == []


def test_a_consumer_opens_answers_reads_and_rates_a_consultation(app, client, users, token_for):
    from consultation import services as consultation_services

    mine = users.make()
    token = token_for(mine, scopes=("consultations",))
    opened = client.post("/api/v1/me/consultations", headers=bearer(token), json={
        "kind": "data", "subject": "Data penduduk", "question": "Di mana data penduduk per desa tahun 2024?"})
    assert opened.status_code == 201, opened.get_data(as_text=True)
    number = opened.get_json()["number"]
    assert opened.headers["Location"].endswith(f"/api/v1/me/consultations/{number}")
    replied = client.post(f"/api/v1/me/consultations/{number}/messages", headers=bearer(token),
                          json={"body": "Terutama Lombok Timur."})
    assert replied.status_code == 201 and replied.get_json()["messages"][-1]["body"] == "Terutama Lombok Timur."
    thread = client.get(f"/api/v1/me/consultations/{number}", headers=bearer(token)).get_json()
    assert thread["subject"] == "Data penduduk" and len(thread["messages"]) == 1

    early = client.post(f"/api/v1/me/consultations/{number}/rating", headers=bearer(token),
                        json={"scores": {"requirements": 4}})
    assert early.status_code == 409  # not resolved yet
    with app.app_context():
        from consultation.models import Ticket

        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
        operator = db.session.scalar(sa.select(User).where(User.email == users.make("operator")))
        ticket.assignee = operator
        db.session.commit()
        consultation_services.resolve(operator, ticket, "Sudah dijawab.")
    scores = dict.fromkeys(("requirements", "procedure", "completion_time", "cost", "product", "competence",
                            "behaviour", "complaint_handling", "facilities"), 4)
    rated = client.post(f"/api/v1/me/consultations/{number}/rating", headers=bearer(token), json={"scores": scores})
    assert rated.status_code == 201 and rated.get_json()["status"] == "closed"
    assert client.post(f"/api/v1/me/consultations/{number}/rating", headers=bearer(token),
                       json={"scores": scores}).status_code == 409

    other = token_for(users.make(), scopes=("consultations",))
    assert client.get(f"/api/v1/me/consultations/{number}", headers=bearer(other)).status_code == 404
    assert client.post(f"/api/v1/me/consultations/{number}/messages", headers=bearer(other),
                       json={"body": "Bukan milik saya."}).status_code == 404
    assert client.get("/api/v1/me/consultations", headers=bearer(other)).get_json()["total"] == 0
    with app.app_context():
        writes = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "api.write")).all()
        assert [entry.details["path"] for entry in writes] == [
            "/api/v1/me/consultations", f"/api/v1/me/consultations/{number}/messages",
            f"/api/v1/me/consultations/{number}/rating"]


def test_bad_bodies_answer_400_naming_the_member(client, users, token_for):
    token = token_for(users.make(), scopes=("consultations",))
    bad = client.post("/api/v1/me/consultations", headers=bearer(token), json={"kind": "gossip", "subject": "ab"})
    problem = bad.get_json()
    assert bad.status_code == 400 and {"kind", "subject", "question"} <= set(problem["errors"])
    assert client.post("/api/v1/me/consultations", headers=bearer(token), data="x").status_code == 415
    extra = client.post("/api/v1/me/consultations", headers=bearer(token), json={
        "kind": "data", "subject": "Data penduduk", "question": "Pertanyaan yang cukup panjang.", "admin": True})
    assert extra.status_code == 400 and "admin" in extra.get_json()["errors"]


def test_a_token_opens_api_operations_only_never_the_site_pages(client, users, token_for):
    token = token_for(users.make("admin"))
    assert client.get("/admin/users", headers=bearer(token)).status_code == 302  # to the sign-in page
    assert client.get("/api/v1/me/orders", headers=bearer(token)).status_code == 200
