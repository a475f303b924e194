"""Rate limits, cookie flags, headers and session renewal across the site."""

import pytest

from app import create_app
from tests.support.production import SAFE_PRODUCTION_ENV, set_environment


@pytest.fixture
def app_config(app_config):
    return dict(app_config, RATELIMIT_ENABLED=True)


@pytest.mark.parametrize(("path", "limit", "data"), [
    ("/login", 30, {"email": "x@example.org"}),  # incomplete, so the failed-login lock stays out of it
    ("/register", 20, {"email": "not-valid"}),
    ("/password/forgot", 10, {"email": "x@example.org"}),
    ("/verify/resend", 10, {"email": "x@example.org"}),
])
def test_sensitive_forms_are_rate_limited_per_address(app, path, limit, data):
    client = app.test_client()
    statuses = [client.post(path, data=data, environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code
                for _ in range(limit + 1)]
    assert 429 not in statuses[:limit]
    assert statuses[limit] == 429
    other_address = client.post(path, data=data, environ_base={"REMOTE_ADDR": "198.51.100.8"})
    assert other_address.status_code != 429


def test_rate_limited_page_explains_itself(app):
    client = app.test_client()
    for _ in range(11):
        response = client.post("/password/forgot", data={"email": "x@example.org"})
    assert response.status_code == 429
    assert "Terlalu banyak permintaan" in response.get_data(as_text=True)


def test_production_cookies_are_secure_httponly_and_samesite(monkeypatch, tmp_path):
    set_environment(monkeypatch, dict(SAFE_PRODUCTION_ENV, DATABASE_URL=f"sqlite:///{tmp_path}/prod.db"))
    config = create_app().config
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["REMEMBER_COOKIE_SECURE"] and config["REMEMBER_COOKIE_HTTPONLY"]
    assert config["REMEMBER_COOKIE_DURATION"].days <= 30
    assert config["PERMANENT_SESSION_LIFETIME"].total_seconds() <= 24 * 3600
    assert config["MAX_CONTENT_LENGTH"] is not None


def test_session_cookie_is_httponly_and_samesite(client, users):
    email = users.make()
    response = client.post("/login", data={"email": email, "password": users.PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_every_page_sends_a_content_security_policy(client):
    for path in ("/", "/login", "/no-such-page"):
        policy = client.get(path).headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
