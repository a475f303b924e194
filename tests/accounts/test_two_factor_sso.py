"""Single sign-on of staff whose roles require a second factor passes the second step too.

Against the standard provider on loopback (``idp`` of ``conftest.py``).
"""

import pyotp
import pytest

from core import clock
from tests.accounts.helpers import secret_on
from tests.support.standard_oidc import sso_login


@pytest.fixture
def app_config(app_config, idp):
    return dict(app_config, STATDESK_OIDC_PROVIDERS=idp.setting())


def test_a_finance_officer_signing_in_by_sso_must_enrol_then_give_a_code(client, users, idp):
    idp.update_account("ani", groups=["statdesk-finance"])
    response = sso_login(client, "ani")
    assert response.headers["Location"] == "/account/two-factor"
    assert client.get("/home/finance").headers["Location"] == "/account/two-factor"
    secret = secret_on(client.get("/account/two-factor").get_data(as_text=True))
    totp = pyotp.TOTP(secret)
    assert client.post("/account/two-factor", data={"code": totp.now()}).status_code == 200
    assert client.get("/home/finance").status_code == 200
    logout = client.post("/logout")
    assert logout.headers["Location"].startswith(f"{idp.issuer}/session/end?")  # the provider session was kept

    again = sso_login(client, "ani")
    assert again.headers["Location"] == "/login/two-factor"
    assert client.get("/home/finance").headers["Location"] == "/login/two-factor"
    later = totp.at(clock.now(), counter_offset=1)  # the enrolment used the current step
    assert client.post("/login/two-factor", data={"code": later}).status_code == 302
    assert client.get("/home/finance").status_code == 200


def test_an_operator_signing_in_by_sso_is_not_asked(client, users):
    response = sso_login(client, "ani")
    assert response.headers["Location"] == "/home"
    assert client.get("/home/operator").status_code == 200
