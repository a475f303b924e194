"""On PostgreSQL: one code or one recovery code submitted by 20 held sign-ins at once signs in one of them."""

import pyotp
import pytest
import sqlalchemy as sa

from accounts.models import RecoveryCode
from core import clock
from core.extensions import db
from tests.accounts.helpers import recovery_codes_on, secret_on
from tests.orders.test_concurrency import THREADS, run_together

pytestmark = pytest.mark.postgresql_only


@pytest.fixture(autouse=True)
def _postgresql_only(backend):
    if backend != "postgresql":
        pytest.skip("runs on the PostgreSQL pass")


def _held_clients(app, email, password):
    clients = []
    for n in range(THREADS):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.9.0.{n}"
        assert client.post("/login", data={"email": email, "password": password}).status_code == 302
        clients.append(client)
    return clients


def test_twenty_simultaneous_submissions_of_one_code_sign_in_once(app, users):
    email = users.make("admin")
    clients = _held_clients(app, email, users.PASSWORD)
    with clock.frozen(clock.now()):
        code = pyotp.TOTP(users.TOTP_SECRET).at(clock.now())
        statuses = run_together(lambda i: clients[i].post("/login/two-factor", data={"code": code}).status_code)
    assert statuses.count(302) == 1 and set(statuses) <= {302, 401, 429}


def test_twenty_simultaneous_uses_of_one_recovery_code_sign_in_once(app, users):
    email = users.make("supervisor", second_factor=False)
    enrolling = app.test_client()
    enrolling.post("/login", data={"email": email, "password": users.PASSWORD})
    secret = secret_on(enrolling.get("/account/two-factor").get_data(as_text=True))
    page = enrolling.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()}).get_data(as_text=True)
    code = recovery_codes_on(page)[0]
    clients = _held_clients(app, email, users.PASSWORD)
    statuses = run_together(lambda i: clients[i].post("/login/two-factor", data={"code": code}).status_code)
    assert statuses.count(302) == 1 and set(statuses) <= {302, 401, 429}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(RecoveryCode.used_at.is_not(None))) == 1
