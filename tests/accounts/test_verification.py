from datetime import timedelta

from core import clock
from tests.accounts.helpers import REGISTRATION, link_in


def _register(client, outbox) -> str:
    client.post("/register", data=REGISTRATION)
    return link_in(outbox()[-1], "/verify/")


def test_link_confirms_the_address_and_allows_sign_in(client, users, outbox):
    link = _register(client, outbox)
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert users.get("wayan@example.org").email_verified
    assert client.post("/login", data={"email": "wayan@example.org",
                                       "password": REGISTRATION["password"]}).status_code == 302


def test_unverified_account_cannot_sign_in(client, outbox):
    _register(client, outbox)
    response = client.post("/login", data={"email": "wayan@example.org", "password": REGISTRATION["password"]})
    assert response.status_code == 403
    assert "Konfirmasikan alamat e-mail Anda terlebih dahulu" in response.get_data(as_text=True)


def test_reused_link_says_it_was_used(client, outbox):
    link = _register(client, outbox)
    client.post(link)
    response = client.post(link)
    assert response.status_code == 410
    assert "sudah pernah digunakan" in response.get_data(as_text=True)


def test_forged_link_is_refused(client, outbox):
    link = _register(client, outbox)
    response = client.post(link[:-3] + ("abc" if not link.endswith("abc") else "xyz"))
    assert response.status_code == 400
    assert "tidak valid" in response.get_data(as_text=True)


def test_expired_link_says_it_expired(app, client, outbox, users):
    with clock.frozen(clock.now()):
        link = _register(client, outbox)
        clock.advance(timedelta(hours=app.config["STATDESK_VERIFY_TOKEN_HOURS"], minutes=1))
        response = client.post(link)
    assert response.status_code == 410
    assert "kedaluwarsa" in response.get_data(as_text=True)
    assert not users.get("wayan@example.org").email_verified


def test_resend_sends_a_fresh_link_only_to_unverified_accounts(client, users, outbox):
    _register(client, outbox)
    users.make(email="verified@example.org")
    client.post("/verify/resend", data={"email": "wayan@example.org"})
    client.post("/verify/resend", data={"email": "verified@example.org"})
    client.post("/verify/resend", data={"email": "nobody@example.org"})
    assert [m.recipient for m in outbox()] == ["wayan@example.org", "wayan@example.org"]
