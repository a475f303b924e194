from datetime import timedelta

from core import clock
from tests.accounts.helpers import link_in

NEW = {"password": "Baru-Sekali-2027", "confirm": "Baru-Sekali-2027"}


def _reset_link(client, outbox, email) -> str:
    client.post("/password/forgot", data={"email": email})
    return link_in(outbox()[-1], "/password/reset/")


def test_reset_sets_a_new_password_and_signs_out_other_sessions(app, client, users, outbox):
    email = users.make()
    other_device = app.test_client()
    other_device.post("/login", data={"email": email, "password": users.PASSWORD})
    link = _reset_link(client, outbox, email)
    assert client.get(link).status_code == 200
    assert client.post(link, data=NEW).status_code == 302
    assert client.post("/login", data={"email": email, "password": NEW["password"]}).status_code == 302
    assert other_device.get("/home").status_code == 302  # its session died with the old password
    assert outbox()[-1].kind == "password_changed"


def test_unknown_address_gets_the_same_answer_and_no_mail(client, users, outbox):
    users.make(email="known@example.org")
    known = client.post("/password/forgot", data={"email": "known@example.org"})
    unknown = client.post("/password/forgot", data={"email": "unknown@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert [m.recipient for m in outbox()] == ["known@example.org"]


def test_used_reset_link_says_so(client, users, outbox):
    link = _reset_link(client, outbox, users.make())
    client.post(link, data=NEW)
    response = client.get(link)
    assert response.status_code == 410
    assert "sudah pernah digunakan" in response.get_data(as_text=True)


def test_expired_reset_link_says_so(app, client, users, outbox):
    email = users.make()
    with clock.frozen(clock.now()):
        link = _reset_link(client, outbox, email)
        clock.advance(timedelta(minutes=app.config["STATDESK_RESET_TOKEN_MINUTES"] + 1))
        response = client.post(link, data=NEW)
    assert response.status_code == 410
    assert "kedaluwarsa" in response.get_data(as_text=True)


def test_forged_reset_link_is_refused(client):
    response = client.get("/password/reset/eyJ1IjoxLCJmIjoiIn0.forged.signature")
    assert response.status_code == 400
    assert "tidak valid" in response.get_data(as_text=True)


def test_weak_new_password_is_refused_and_link_stays_usable(client, users, outbox):
    link = _reset_link(client, outbox, users.make())
    response = client.post(link, data={"password": "short", "confirm": "short"})
    assert response.status_code == 400
    assert client.post(link, data=NEW).status_code == 302


def test_change_password_needs_the_current_one(client, users, login):
    login(users.make())
    wrong = client.post("/account/password", data={"pw-current": "nope-nope-1", "pw-password": NEW["password"],
                                                   "pw-confirm": NEW["confirm"]})
    assert wrong.status_code == 400
    right = client.post("/account/password", data={"pw-current": users.PASSWORD, "pw-password": NEW["password"],
                                                    "pw-confirm": NEW["confirm"]})
    assert right.status_code == 302
    assert client.get("/account").status_code == 200  # this browser stays signed in
