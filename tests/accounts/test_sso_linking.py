"""Linking an SSO identity to an existing account needs proof of that account.

Against the standard provider on loopback: the account's password (throttled like
the login form), or a signed, expiring, single-use link e-mailed to the account;
staff accounts only with their password.
"""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from accounts.models import ExternalIdentity, Role
from core import clock
from core.extensions import db
from core.models import AuditEntry
from tests.accounts.helpers import link_in
from tests.support.standard_oidc import sso_login

LINK_PREFIX = "/login/sso/link/"


@pytest.fixture
def app_config(app_config, idp):
    return dict(app_config, STATDESK_OIDC_PROVIDERS=idp.setting())


def identities(app) -> list[ExternalIdentity]:
    with app.app_context():
        rows = db.session.scalars(sa.select(ExternalIdentity)).all()
        db.session.expunge_all()
        return rows


def signed_in(client) -> bool:
    return client.get("/home").status_code == 302 and not client.get("/home").headers["Location"].startswith(
        "/login")


def start_link(client, login="budi"):
    response = sso_login(client, login)
    assert response.headers["Location"] == "/login/sso/link"
    return client.get("/login/sso/link")


def test_the_link_page_asks_for_proof_and_signs_nobody_in(app, client, users):
    users.make("consumer", email="budi@example.org")
    page = start_link(client).get_data(as_text=True)
    assert 'name="password"' in page and 'value="email"' in page
    assert not signed_in(client)
    # The old one-click confirmation links nothing any more.
    assert client.post("/login/sso/link", data={"decision": "link"}).headers["Location"] == "/login"
    assert identities(app) == [] and not signed_in(client)


def test_the_accounts_password_links_and_signs_in(app, client, users):
    users.make("consumer", email="budi@example.org")
    start_link(client)
    response = client.post("/login/sso/link", data={"decision": "password", "password": users.PASSWORD})
    assert response.headers["Location"] == "/home"
    assert client.get("/home/consumer").status_code == 200
    assert [(i.provider, i.email) for i in identities(app)] == [("office", "budi@example.org")]
    client.post("/logout")
    assert sso_login(client).headers["Location"] == "/home"  # from now on without asking


def test_a_wrong_password_links_nothing_and_may_be_retried(app, client, users):
    users.make("consumer", email="budi@example.org")
    start_link(client)
    wrong = client.post("/login/sso/link", data={"decision": "password", "password": "tebakan-salah"})
    assert wrong.status_code == 401
    assert "Kata sandi tidak benar" in wrong.get_data(as_text=True)
    assert identities(app) == [] and not signed_in(client)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "account.sso_link_failed")) == 1
    right = client.post("/login/sso/link", data={"decision": "password", "password": users.PASSWORD})
    assert right.headers["Location"] == "/home"


def test_wrong_passwords_lock_the_account_like_the_login_form(app, client, users):
    users.make("consumer", email="budi@example.org")
    start_link(client)
    limit = app.config["STATDESK_LOGIN_MAX_FAILURES"]
    answers = [client.post("/login/sso/link", data={"decision": "password", "password": "x"}).status_code
               for _ in range(limit)]
    assert answers[-1] == 429 and set(answers[:-1]) == {401}
    locked = client.post("/login/sso/link", data={"decision": "password", "password": users.PASSWORD})
    assert locked.status_code == 429 and identities(app) == []


def test_an_emailed_link_links_and_signs_in_the_browser_that_asked(app, client, users, outbox):
    users.make("consumer", email="budi@example.org")
    start_link(client)
    sent = client.post("/login/sso/link", data={"decision": "email"})
    assert sent.status_code == 200 and "sso-link-sent" in sent.get_data(as_text=True)
    message = outbox()[-1]
    assert message.recipient == "budi@example.org" and "Kantor SSO" in message.body_text
    assert identities(app) == [] and not signed_in(client)
    assert client.get(link_in(message, LINK_PREFIX)).headers["Location"] == "/home"
    assert client.get("/home/consumer").status_code == 200
    assert len(identities(app)) == 1


def test_an_emailed_link_opened_elsewhere_links_for_the_next_sign_in(app, client, users, outbox):
    users.make("consumer", email="budi@example.org")
    start_link(client)
    client.post("/login/sso/link", data={"decision": "email"})
    mail_reader = app.test_client()
    opened = mail_reader.get(link_in(outbox()[-1], LINK_PREFIX))
    assert opened.status_code == 200 and "sso-linked" in opened.get_data(as_text=True)
    assert not signed_in(mail_reader) and len(identities(app)) == 1
    assert sso_login(mail_reader).headers["Location"] == "/home"


def test_an_emailed_link_works_once(app, client, users, outbox):
    users.make("consumer", email="budi@example.org")
    start_link(client)
    client.post("/login/sso/link", data={"decision": "email"})
    link = link_in(outbox()[-1], LINK_PREFIX)
    client.get(link)
    client.post("/logout")
    again = app.test_client().get(link)
    assert again.status_code == 410
    assert "sudah pernah digunakan" in again.get_data(as_text=True)


def test_an_emailed_link_expires(app, client, users, outbox):
    users.make("consumer", email="budi@example.org")
    start_link(client)
    client.post("/login/sso/link", data={"decision": "email"})
    link = link_in(outbox()[-1], LINK_PREFIX)
    with clock.frozen(clock.now() + timedelta(minutes=31)):
        late = client.get(link)
    assert late.status_code == 410
    assert "sudah kedaluwarsa" in late.get_data(as_text=True)
    assert identities(app) == [] and not signed_in(client)


def test_a_forged_link_is_refused(app, client, users, outbox):
    users.make("consumer", email="budi@example.org")
    start_link(client)
    client.post("/login/sso/link", data={"decision": "email"})
    link = link_in(outbox()[-1], LINK_PREFIX)
    assert client.get(link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")).status_code == 400
    assert identities(app) == []


def test_a_staff_account_is_linked_only_with_its_password(app, client, users, outbox):
    users.make("operator", email="ani@kantor.example.org")
    page = start_link(client, "ani").get_data(as_text=True)
    assert 'name="password"' in page and 'value="email"' not in page
    refused = client.post("/login/sso/link", data={"decision": "email"})
    assert refused.status_code == 403
    assert "hanya dapat ditautkan dengan kata sandinya" in refused.get_data(as_text=True)
    assert [m for m in outbox() if m.kind == "sso_link"] == [] and identities(app) == []
    start_link(client, "ani")
    assert client.post("/login/sso/link", data={"decision": "password", "password": "x"}).status_code == 401
    linked = client.post("/login/sso/link", data={"decision": "password", "password": users.PASSWORD})
    assert linked.headers["Location"] == "/home"
    assert users.get("ani@kantor.example.org").has_role(Role.OPERATOR)


def test_a_link_mailed_before_the_account_became_staff_is_refused(app, client, users, outbox):
    email = users.make("consumer", email="budi@example.org")
    start_link(client)
    client.post("/login/sso/link", data={"decision": "email"})
    link = link_in(outbox()[-1], LINK_PREFIX)
    from accounts.models import User, UserRole

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        user.roles.append(UserRole(role=Role.FINANCE))
        db.session.commit()
    assert client.get(link).status_code == 403
    assert identities(app) == []


def test_linking_an_unconfirmed_account_by_email_drops_the_password_someone_else_may_have_set(
        app, client, users, outbox):
    email = users.make("consumer", email="budi@example.org", verified=False)
    start_link(client)
    client.post("/login/sso/link", data={"decision": "email"})
    assert client.get(link_in(outbox()[-1], LINK_PREFIX)).headers["Location"] == "/home"
    user = users.get(email)
    assert user.password_hash is None and user.email_verified
    assert app.test_client().post("/login", data={"email": email, "password": users.PASSWORD}).status_code != 302


def test_cancelling_links_nothing(app, client, users):
    users.make("consumer", email="budi@example.org")
    start_link(client)
    assert client.post("/login/sso/link", data={"decision": "cancel"}).headers["Location"] == "/login"
    assert identities(app) == [] and not signed_in(client)
    assert client.get("/login/sso/link").status_code == 400
