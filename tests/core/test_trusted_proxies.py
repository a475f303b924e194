"""``STATDESK_TRUSTED_PROXIES``: the client address behind a proxy reaches the audit log and the login lockout."""

import pytest
import sqlalchemy as sa
from flask import request

from accounts.models import LoginThrottle, ThrottleScope
from core.extensions import db
from core.models import AuditEntry

PROXY, CLIENT = "10.0.0.2", "203.0.113.7"


@pytest.fixture
def app_config(app_config, request):
    return dict(app_config, STATDESK_TRUSTED_PROXIES=request.param)


def failed_login(app, client) -> tuple[str, set[str]]:
    response = client.post("/login", data={"email": "nobody@example.org", "password": "wrong-password"},
                           headers={"X-Forwarded-For": CLIENT}, environ_base={"REMOTE_ADDR": PROXY})
    assert response.status_code == 401
    with app.app_context():
        audited = db.session.scalar(sa.select(AuditEntry.origin).where(AuditEntry.action == "account.login_failed"))
        throttled = set(db.session.scalars(sa.select(LoginThrottle.key)
                                           .where(LoginThrottle.scope == ThrottleScope.ADDRESS)))
    return audited, throttled


@pytest.mark.parametrize("app_config", [1], indirect=True)
def test_with_one_trusted_proxy_the_forwarded_address_is_audited_and_locked_out(app, client):
    assert failed_login(app, client) == (CLIENT, {CLIENT})


@pytest.mark.parametrize("app_config", [0], indirect=True)
def test_with_no_trusted_proxy_the_forwarded_header_is_ignored(app, client):
    assert failed_login(app, client) == (PROXY, {PROXY})


@pytest.mark.parametrize("app_config", [1], indirect=True)
def test_one_trusted_proxy_believes_one_hop_of_address_scheme_and_host(app, client):
    seen = {}

    @app.get("/_seen")
    def seen_by_the_view():
        seen.update(address=request.remote_addr, scheme=request.scheme, host=request.host)
        return ""

    client.get("/_seen", headers={"X-Forwarded-For": f"198.51.100.9, {CLIENT}", "X-Forwarded-Proto": "https",
                                  "X-Forwarded-Host": "data.example.go.id"}, environ_base={"REMOTE_ADDR": PROXY})
    # The client could have written 198.51.100.9 itself: only the hop our proxy added counts.
    assert seen == {"address": CLIENT, "scheme": "https", "host": "data.example.go.id"}
