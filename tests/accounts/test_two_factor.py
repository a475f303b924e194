"""Two-factor sign-in: enrolment, the code step, replay, recovery codes, throttling, admin reset."""

from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa

from accounts.models import RecoveryCode, SecondFactor, User
from core import clock
from core.extensions import db
from core.models import AuditEntry
from tests.accounts.helpers import recovery_codes_on, secret_on

STEP = "/login/two-factor"
SETUP = "/account/two-factor"


def _password(client, email, password, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def _enrol(client) -> tuple[str, list[str]]:
    """Set up the factor on the page a held or signed-in client is on; returns the secret and recovery codes."""
    secret = secret_on(client.get(SETUP).get_data(as_text=True))
    done = client.post(SETUP, data={"code": pyotp.TOTP(secret).at(clock.now())})
    assert done.status_code == 200, done.get_data(as_text=True)[-800:]
    return secret, recovery_codes_on(done.get_data(as_text=True))


def _audit(app, action):
    with app.app_context():
        return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


def test_a_required_role_without_a_factor_is_sent_to_enrolment_and_enrols(app, client, users):
    email = users.make("finance", second_factor=False)
    response = _password(client, email, users.PASSWORD)
    assert response.headers["Location"] == SETUP
    page = client.get(SETUP).get_data(as_text=True)
    assert 'src="/account/two-factor/qr.svg"' in page
    qr = client.get("/account/two-factor/qr.svg")
    assert qr.mimetype == "image/svg+xml" and b"<svg" in qr.data and qr.headers["Cache-Control"] == "no-store"
    secret, codes = _enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/home/finance").status_code == 200
    with app.app_context():
        factor = db.session.scalar(sa.select(SecondFactor))
        assert factor.confirmed and factor.secret == secret
        stored = db.session.scalars(sa.select(RecoveryCode.code_hash)).all()
        assert len(stored) == 10 and not any(code.replace("-", "") in h for h in stored for code in codes)
    assert client.get("/account/two-factor/qr.svg").status_code == 404  # nothing to draw once confirmed
    assert _audit(app, "account.second_factor_enrolled")


def test_enrolment_needs_a_valid_first_code(client, users):
    email = users.make("admin", second_factor=False)
    _password(client, email, users.PASSWORD)
    client.get(SETUP)
    wrong = client.post(SETUP, data={"code": "000000"})
    assert wrong.status_code == 401 and "Kode tidak benar" in wrong.get_data(as_text=True)
    assert client.get("/home/admin").headers["Location"] == SETUP


def test_sign_in_with_a_code_reaches_the_role_home(client, users):
    email = users.make("supervisor")
    response = _password(client, email, users.PASSWORD)
    assert response.headers["Location"] == STEP
    assert client.get("/home/supervisor").headers["Location"] == STEP
    done = client.post(STEP, data={"code": users.code(email)})
    assert done.status_code == 302 and done.headers["Location"] == "/home"
    assert client.get("/home/supervisor").status_code == 200


def test_the_next_page_survives_the_second_step(client, users):
    email = users.make("admin")
    _password(client, email, users.PASSWORD, next="/admin/users")
    assert client.post(STEP, data={"code": users.code(email)}).headers["Location"] == "/admin/users"


def test_a_wrong_code_is_refused_and_the_session_stays_held(app, client, users):
    email = users.make("admin")
    _password(client, email, users.PASSWORD)
    response = client.post(STEP, data={"code": "123456" if users.code(email) != "123456" else "654321"})
    assert response.status_code == 401
    assert "Kode tidak benar" in response.get_data(as_text=True)
    assert client.get("/admin/users").headers["Location"] == STEP
    assert _audit(app, "account.second_factor_failed")


def test_a_code_works_only_once(client, users):
    email = users.make("finance")
    with clock.frozen(clock.now()):
        code = pyotp.TOTP(users.TOTP_SECRET).at(clock.now())
        _password(client, email, users.PASSWORD)
        assert client.post(STEP, data={"code": code}).status_code == 302
        client.post("/logout")
        _password(client, email, users.PASSWORD)
        replayed = client.post(STEP, data={"code": code})
        assert replayed.status_code == 401
        assert client.get("/home/finance").headers["Location"] == STEP


def test_an_earlier_code_is_refused_after_a_later_one(client, users):
    email = users.make("finance")
    totp = pyotp.TOTP(users.TOTP_SECRET)
    with clock.frozen(clock.now()):
        _password(client, email, users.PASSWORD)
        assert client.post(STEP, data={"code": totp.at(clock.now(), counter_offset=1)}).status_code == 302
        client.post("/logout")
        _password(client, email, users.PASSWORD)
        assert client.post(STEP, data={"code": totp.at(clock.now())}).status_code == 401


def test_a_code_outside_the_drift_window_is_refused(client, users):
    email = users.make("finance")
    _password(client, email, users.PASSWORD)
    old = pyotp.TOTP(users.TOTP_SECRET).at(clock.now() - timedelta(minutes=2))
    assert client.post(STEP, data={"code": old}).status_code == 401


def test_recovery_codes_work_exactly_once(app, client, users):
    email = users.make("admin", second_factor=False)
    _password(client, email, users.PASSWORD)
    _, codes = _enrol(client)
    client.post("/logout")
    _password(client, email, users.PASSWORD)
    used = client.post(STEP, data={"code": codes[0].upper().replace("-", " ")})  # typed loosely
    assert used.status_code == 302
    assert client.get("/home/admin").status_code == 200
    client.post("/logout")
    _password(client, email, users.PASSWORD)
    assert client.post(STEP, data={"code": codes[0]}).status_code == 401
    assert client.post(STEP, data={"code": codes[1]}).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(RecoveryCode.used_at.is_not(None))) == 2
    assert [e.details["way"] for e in _audit(app, "account.second_factor_passed")][-1] == "recovery"


def test_wrong_codes_lock_the_second_step_and_a_new_password_does_not_reset_it(app, client, users):
    email = users.make("supervisor")
    limit = app.config["STATDESK_LOGIN_MAX_FAILURES"]
    with clock.frozen(clock.now()):
        statuses = []
        for _ in range(limit):
            _password(client, email, users.PASSWORD)  # the password again buys no new guesses
            statuses.append(client.post(STEP, data={"code": "999999"}).status_code)
        assert statuses == [401] * (limit - 1) + [429]
        _password(client, email, users.PASSWORD)
        locked = client.post(STEP, data={"code": users.code(email)})
        assert locked.status_code == 429 and "Coba lagi setelah" in locked.get_data(as_text=True)
        clock.advance(timedelta(minutes=app.config["STATDESK_LOGIN_LOCK_MINUTES"], seconds=1))
        _password(client, email, users.PASSWORD)
        assert client.post(STEP, data={"code": users.code(email)}).status_code == 302


def test_remember_me_is_issued_only_after_the_second_step_and_never_skips_it(app, client, users):
    email = users.make("admin")
    cookie_name = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    first = _password(client, email, users.PASSWORD, remember="y")
    assert cookie_name not in first.headers.get("Set-Cookie", "")
    second = client.post(STEP, data={"code": users.code(email)})
    assert cookie_name in "".join(second.headers.getlist("Set-Cookie"))
    remembered = app.test_client()
    remembered.set_cookie(cookie_name, client.get_cookie(cookie_name).value)
    assert remembered.get("/home/admin").headers["Location"] == STEP
    assert remembered.get("/").headers["Location"] == STEP
    assert remembered.post(STEP, data={"code": users.code(email)}).headers["Location"] == "/home/admin"
    assert remembered.get("/home/admin").status_code == 200


def test_a_remembered_session_of_a_user_given_a_required_role_must_enrol(app, client, users):
    email = users.make("operator")
    cookie_name = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    assert _password(client, email, users.PASSWORD, remember="y").headers["Location"] == "/home"
    with app.app_context():
        from accounts.models import Role, UserRole

        user = db.session.scalar(sa.select(User).where(User.email == email))
        user.roles.append(UserRole(role=Role.SUPERVISOR))
        db.session.commit()
    remembered = app.test_client()
    remembered.set_cookie(cookie_name, client.get_cookie(cookie_name).value)
    assert remembered.get("/home/operator").headers["Location"] == SETUP
    assert client.get("/home/operator").headers["Location"] == SETUP  # the open session too


def test_an_operator_may_opt_in_from_the_account_page_and_is_asked_from_then_on(client, users):
    email = users.make("operator")
    _password(client, email, users.PASSWORD)
    assert 'id="two-factor-setup"' in client.get("/account").get_data(as_text=True)
    secret, _ = _enrol(client)
    assert client.get("/home/operator").status_code == 200  # the enrolling session stays signed in
    client.post("/logout")
    assert _password(client, email, users.PASSWORD).headers["Location"] == STEP
    later = pyotp.TOTP(secret).at(clock.now(), counter_offset=1)
    assert client.post(STEP, data={"code": later}).status_code == 302


def test_an_optional_factor_can_be_turned_off_with_a_code_but_a_required_one_cannot(client, users):
    email = users.make("producer", second_factor=True)
    _password(client, email, users.PASSWORD)
    client.post(STEP, data={"code": users.code(email)})
    assert client.post("/account/two-factor/disable", data={"code": users.code(email)}).status_code == 302
    client.post("/logout")
    assert _password(client, email, users.PASSWORD).headers["Location"] == "/home"

    admin = users.make("admin")
    other = client.application.test_client()
    _password(other, admin, users.PASSWORD)
    other.post(STEP, data={"code": users.code(admin)})
    other.post("/account/two-factor/disable", data={"code": users.code(admin)})
    other.post("/logout")
    assert _password(other, admin, users.PASSWORD).headers["Location"] == STEP


def test_new_recovery_codes_replace_the_old_ones(client, users):
    email = users.make("admin", second_factor=False)
    _password(client, email, users.PASSWORD)
    secret, old = _enrol(client)
    renewed = client.post("/account/two-factor/recovery-codes",
                          data={"code": pyotp.TOTP(secret).at(clock.now(), counter_offset=1)})
    new = recovery_codes_on(renewed.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    client.post("/logout")
    _password(client, email, users.PASSWORD)
    assert client.post(STEP, data={"code": old[0]}).status_code == 401
    assert client.post(STEP, data={"code": new[0]}).status_code == 302


def test_an_administrator_resets_a_lost_factor_audited_and_the_user_enrols_again(app, client, users, login, outbox):
    lost = users.make("supervisor")
    victim_client = app.test_client()
    _password(victim_client, lost, users.PASSWORD)
    victim_client.post(STEP, data={"code": users.code(lost)})
    admin = login(users.make("admin"))
    user_id = users.get(lost).id
    assert "reset-two-factor" in client.get(f"/admin/users/{user_id}").get_data(as_text=True)
    assert client.post(f"/admin/users/{user_id}/two-factor/reset").status_code == 302
    entries = _audit(app, "account.second_factor_reset")
    assert len(entries) == 1 and entries[0].actor_label == admin and entries[0].object_id == str(user_id)
    assert outbox()[-1].recipient == lost
    assert victim_client.get("/home/supervisor").headers["Location"].startswith("/login")  # signed out
    assert _password(victim_client, lost, users.PASSWORD).headers["Location"] == SETUP
    _enrol(victim_client)
    assert victim_client.get("/home/supervisor").status_code == 200


def test_a_reset_optional_factor_must_be_set_up_again_too(app, client, users, login):
    operator = users.make("operator", second_factor=True)
    login(users.make("admin"))
    client.post(f"/admin/users/{users.get(operator).id}/two-factor/reset")
    other = app.test_client()
    assert _password(other, operator, users.PASSWORD).headers["Location"] == SETUP


def test_only_administrators_can_reset(client, users, login):
    target = users.make("finance")
    login(users.make("supervisor"))
    assert client.post(f"/admin/users/{users.get(target).id}/two-factor/reset").status_code == 403


def test_a_held_sign_in_expires(client, users):
    email = users.make("admin")
    with clock.frozen(clock.now()):
        _password(client, email, users.PASSWORD)
        clock.advance(timedelta(minutes=11))
        assert client.get(STEP).headers["Location"] == "/login"
        assert client.get("/home/admin").headers["Location"].startswith("/login?next=")


def test_cancel_drops_the_held_sign_in(client, users):
    email = users.make("admin")
    _password(client, email, users.PASSWORD)
    assert client.post("/login/two-factor/cancel").headers["Location"] == "/login"
    assert client.get("/").status_code == 200
    assert client.get("/home/admin").headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("code", ["", "x" * 40, "12345\x00", "１２３４５６"])
def test_malformed_codes_get_a_clear_answer(client, users, code):
    email = users.make("admin")
    _password(client, email, users.PASSWORD)
    assert client.post(STEP, data={"code": code}).status_code in (400, 401)
