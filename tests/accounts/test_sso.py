"""Single sign-on through a real OpenID provider on loopback (Authlib's server side)."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from accounts.models import Role
from tests.support.oidc_provider import provider_setting, running_provider

CALLBACK = "http://localhost/login/sso/office/callback"


@pytest.fixture
def idp():
    with running_provider(CALLBACK) as provider:
        yield provider


@pytest.fixture
def app_config(app_config, idp):
    return dict(app_config, STATDESK_OIDC_PROVIDERS=provider_setting(idp))


def provider_redirect(client, username, password):
    """Start SSO, sign in at the provider; return the callback path with its query."""
    start = client.get("/login/sso/office")
    assert start.status_code == 302
    authorize_url = start.headers["Location"]
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    browser = requests.Session()
    assert browser.get(authorize_url, timeout=60).status_code == 200
    form = {k: v[0] for k, v in query.items()} | {"username": username, "password": password}
    answer = browser.post(authorize_url.split("?")[0], data=form, allow_redirects=False, timeout=60)
    assert answer.status_code == 302, answer.text
    callback = urlsplit(answer.headers["Location"])
    return f"{callback.path}?{callback.query}"


def sso_login(client, username="budi", password="budi-pass"):
    return client.get(provider_redirect(client, username, password))


def test_login_page_offers_each_provider(client):
    assert "Kantor SSO" in client.get("/login").get_data(as_text=True)


def test_first_login_creates_a_verified_consumer(client, users):
    response = sso_login(client)
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    assert response.headers["Location"] == "/home"
    user = users.get("budi@example.org")
    assert user.email_verified and user.role_names() == ["consumer"] and user.password_hash is None
    assert client.get("/home/consumer").status_code == 200


def test_second_login_signs_into_the_same_account(app, client, users):
    sso_login(client)
    client.post("/logout")
    sso_login(client)
    from accounts.models import ExternalIdentity, User
    from core.extensions import db

    with app.app_context():
        assert db.session.query(User).filter_by(email="budi@example.org").count() == 1
        assert db.session.query(ExternalIdentity).count() == 1


def test_group_claim_maps_to_roles_and_follows_changes(client, users, idp):
    sso_login(client, "ani", "ani-pass")
    assert users.get("ani@kantor.example.org").has_role(Role.OPERATOR)
    client.post("/logout")
    idp.accounts["ani"].groups = ["statdesk-finance"]
    sso_login(client, "ani", "ani-pass")
    user = users.get("ani@kantor.example.org")
    assert user.has_role(Role.FINANCE) and not user.has_role(Role.OPERATOR)


def test_existing_account_is_linked_only_after_confirmation(client, users):
    users.make("consumer", email="budi@example.org", full_name="Budi Lokal")
    response = sso_login(client)
    assert response.headers["Location"] == "/login/sso/link"
    assert "budi@example.org" in client.get("/login/sso/link").get_data(as_text=True)
    assert client.get("/home").status_code == 302  # not signed in yet
    assert client.post("/login/sso/link", data={"decision": "link"}).headers["Location"] == "/home"
    assert client.get("/home/consumer").status_code == 200


def test_declining_the_link_signs_nobody_in(app, client, users):
    users.make("consumer", email="budi@example.org")
    sso_login(client)
    assert client.post("/login/sso/link", data={"decision": "cancel"}).headers["Location"] == "/login"
    assert client.get("/home").headers["Location"].startswith("/login")
    from accounts.models import ExternalIdentity
    from core.extensions import db

    with app.app_context():
        assert db.session.query(ExternalIdentity).count() == 0


def test_tampered_state_is_refused(client):
    callback = provider_redirect(client, "budi", "budi-pass")
    path, query = callback.split("?")
    params = parse_qs(query)
    response = client.get(path, query_string={"code": params["code"][0], "state": "forged-state"})
    assert response.status_code == 400
    assert "tidak dapat dicocokkan" in response.get_data(as_text=True)
    assert client.get("/home").status_code == 302


@pytest.mark.parametrize(("misbehaviour", "message"), [
    ("wrong_nonce", "milik proses masuk lain"),
    ("expired", "sudah kedaluwarsa"),
    ("foreign_key", "tidak ditandatangani"),
    ("foreign_audience", "ditujukan untuk situs lain"),
])
def test_bad_id_tokens_are_refused_with_a_clear_message(client, users, idp, misbehaviour, message):
    idp.misbehave = misbehaviour
    response = sso_login(client)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert users.get("budi@example.org") is None
    assert client.get("/home").status_code == 302


def test_unverified_email_cannot_sign_in(client, users):
    response = sso_login(client, "eko", "eko-pass")
    assert response.status_code == 403
    assert "belum mengonfirmasi alamat e-mail" in response.get_data(as_text=True)
    assert users.get("eko@example.org") is None


def test_logout_ends_the_provider_session_too(client, idp):
    sso_login(client)
    response = client.post("/logout")
    location = response.headers["Location"]
    assert location.startswith(f"{idp.issuer}/logout?")
    assert "id_token_hint=" in location
    requests.get(location, allow_redirects=False, timeout=60)
    assert idp.ended_sessions and idp.ended_sessions[0].count(".") == 2  # the ID token was handed back
    assert client.get("/home").status_code == 302


def test_unknown_provider_is_404(client):
    assert client.get("/login/sso/nowhere").status_code == 404
