"""Single sign-on against a standard OpenID Connect provider (npm's oidc-provider) on loopback.

The provider runs as it ships: the ID token of the code flow holds only ``sub``, and
e-mail, ``email_verified``, name and groups come from its userinfo endpoint.
"""

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from accounts.models import ExternalIdentity, Role, User
from core.extensions import db
from tests.support.standard_oidc import CALLBACK, sign_in_at_provider, sso_login


@pytest.fixture
def provider_overrides():
    return {}


@pytest.fixture
def app_config(app_config, idp, provider_overrides):
    return dict(app_config, STATDESK_OIDC_PROVIDERS=idp.setting(**provider_overrides))


def _jwt_payload(token: str) -> dict:
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_login_page_offers_each_provider(client):
    assert "Kantor SSO" in client.get("/login").get_data(as_text=True)


def test_code_flow_sends_pkce_s256_state_nonce_and_the_configured_scopes(client):
    start = client.get("/login/sso/office")
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["scope"] == ["openid email profile groups"]


def test_first_login_takes_the_claims_from_userinfo(client, users):
    response = sso_login(client)
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    assert response.headers["Location"] == "/home"
    with client.session_transaction() as session:
        id_token = session["sso"]["id_token"]
    assert "email" not in _jwt_payload(id_token)  # the provider really kept them for userinfo
    user = users.get("budi@example.org")
    assert user.full_name == "Budi Warga" and user.email_verified
    assert user.role_names() == ["consumer"] and user.password_hash is None
    assert client.get("/home/consumer").status_code == 200


def test_second_login_signs_into_the_same_account(app, client, users):
    sso_login(client)
    client.post("/logout")
    assert sso_login(client).headers["Location"] == "/home"
    with app.app_context():
        assert db.session.query(User).filter_by(email="budi@example.org").count() == 1
        assert db.session.query(ExternalIdentity).count() == 1


def test_groups_from_userinfo_map_to_roles_and_follow_changes(client, users, idp):
    sso_login(client, "ani")
    assert users.get("ani@kantor.example.org").has_role(Role.OPERATOR)
    client.post("/logout")
    idp.update_account("ani", groups=["statdesk-finance"])
    sso_login(client, "ani")
    user = users.get("ani@kantor.example.org")
    assert user.has_role(Role.FINANCE) and not user.has_role(Role.OPERATOR)


@pytest.mark.parametrize("provider_overrides", [{"scopes": "openid email profile"},
                                                {"scopes": ["openid", "profile", "email"]}])
def test_without_the_groups_scope_no_role_is_granted(client, users):
    start = client.get("/login/sso/office")
    assert set(parse_qs(urlsplit(start.headers["Location"]).query)["scope"][0].split()) == {"openid", "email",
                                                                                              "profile"}
    callback = sign_in_at_provider(start.headers["Location"], "ani", CALLBACK)
    assert client.get(callback.removeprefix("http://localhost")).status_code == 302
    assert users.get("ani@kantor.example.org").role_names() == ["consumer"]


def test_scopes_without_openid_are_refused_at_start(app_config, idp):
    from app import create_app

    with pytest.raises(ValueError, match="openid"):
        create_app(dict(app_config, STATDESK_OIDC_PROVIDERS=idp.setting(scopes="email profile")))


def test_unverified_email_cannot_sign_in(client, users):
    response = sso_login(client, "eko")
    assert response.status_code == 403
    assert "belum mengonfirmasi alamat e-mail" in response.get_data(as_text=True)
    assert users.get("eko@example.org") is None
    assert client.get("/home").status_code == 302


def test_a_provider_that_does_not_assert_email_verified_is_refused_with_its_reason(client, users):
    response = sso_login(client, "fajar")
    assert response.status_code == 403
    assert "email_verified" in response.get_data(as_text=True)
    assert "tidak menyatakan" in response.get_data(as_text=True)
    assert users.get("fajar@example.org") is None


def test_tampered_state_is_refused(client):
    start = client.get("/login/sso/office")
    callback = urlsplit(sign_in_at_provider(start.headers["Location"], "budi", CALLBACK))
    code = parse_qs(callback.query)["code"][0]
    response = client.get(callback.path, query_string={"code": code, "state": "forged-state"})
    assert response.status_code == 400
    assert "tidak dapat dicocokkan" in response.get_data(as_text=True)
    assert client.get("/home").status_code == 302


def test_a_code_cannot_be_used_twice(client, users):
    start = client.get("/login/sso/office")
    callback = sign_in_at_provider(start.headers["Location"], "budi", CALLBACK).removeprefix("http://localhost")
    assert client.get(callback).status_code == 302
    client.post("/logout")
    replay = client.get(callback)
    assert replay.status_code == 400
    assert client.get("/home").status_code == 302


def test_logout_ends_the_provider_session_too(client, idp):
    sso_login(client)
    location = client.post("/logout").headers["Location"]
    assert location.startswith(f"{idp.issuer}/session/end?")
    query = parse_qs(urlsplit(location).query)
    assert query["post_logout_redirect_uri"] == ["http://localhost/"]
    # The provider accepts the ID token Statdesk handed back (a bad hint is a 400 there).
    assert requests.get(location, allow_redirects=False, timeout=60).status_code == 200
    assert client.get("/home").status_code == 302


def test_unknown_provider_is_404(client):
    assert client.get("/login/sso/nowhere").status_code == 404
