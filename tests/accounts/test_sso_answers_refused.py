"""Answers a standard provider never gives: every claim in the ID token, or answers to refuse.

A provider written here on Authlib's server side (``tests.support.oidc_provider``)
issues them on purpose: ID tokens with a wrong nonce, expired, signed by a foreign
key or meant for another audience, and a userinfo answer about another subject.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.support.oidc_provider import provider_setting, running_provider

CALLBACK = "http://localhost/login/sso/office/callback"


@pytest.fixture
def idp():
    with running_provider(CALLBACK) as provider:
        yield provider


@pytest.fixture
def app_config(app_config, idp):
    return dict(app_config, STATDESK_OIDC_PROVIDERS=provider_setting(idp))


def sso_login(client, username="budi", password="budi-pass"):
    authorize_url = client.get("/login/sso/office").headers["Location"]
    query = parse_qs(urlsplit(authorize_url).query)
    browser = requests.Session()
    assert browser.get(authorize_url, timeout=10).status_code == 200
    form = {k: v[0] for k, v in query.items()} | {"username": username, "password": password}
    answer = browser.post(authorize_url.split("?")[0], data=form, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    callback = urlsplit(answer.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def test_all_claims_in_the_id_token_need_no_userinfo_call(client, users, idp):
    assert sso_login(client).headers["Location"] == "/home"
    assert idp.userinfo_calls == 0
    assert users.get("budi@example.org").full_name == "Budi Warga"


@pytest.mark.parametrize(("misbehaviour", "message"), [
    ("wrong_nonce", "milik proses masuk lain"),
    ("expired", "sudah kedaluwarsa"),
    ("foreign_key", "tidak ditandatangani"),
    ("foreign_audience", "ditujukan untuk situs lain"),
    ("userinfo_other_sub", "tidak saling cocok"),
])
def test_bad_answers_are_refused_with_a_clear_message(client, users, idp, misbehaviour, message):
    idp.misbehave = misbehaviour
    response = sso_login(client)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert users.get("budi@example.org") is None
    assert client.get("/home").status_code == 302


def test_groups_in_the_id_token_map_to_roles_too(client, users, idp):
    assert sso_login(client, "ani", "ani-pass").headers["Location"] == "/home"
    assert idp.userinfo_calls == 0
    from accounts.models import Role

    assert users.get("ani@kantor.example.org").has_role(Role.OPERATOR)
