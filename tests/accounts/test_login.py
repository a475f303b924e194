from datetime import timedelta

import pytest
import sqlalchemy as sa

from core import clock


def _attempt(client, email, password):
    return client.post("/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": "10.1.1.1"})


def test_sign_in_lands_on_the_role_home(client, users):
    email = users.make("operator")
    response = client.post("/login", data={"email": email, "password": users.PASSWORD})
    assert response.headers["Location"] == "/home"
    assert client.get("/home").headers["Location"] == "/home/operator"
    assert client.get("/home/operator").status_code == 200


def test_wrong_password_gets_one_message_for_every_cause(client, users):
    email = users.make()
    wrong = _attempt(client, email, "Not-the-password-1")
    unknown = _attempt(client, "ghost@example.org", "Not-the-password-1")
    assert wrong.status_code == unknown.status_code == 401
    assert "Alamat e-mail atau kata sandi salah." in wrong.get_data(as_text=True)
    assert "Alamat e-mail atau kata sandi salah." in unknown.get_data(as_text=True)


def test_deactivated_account_cannot_sign_in(client, users):
    email = users.make(active=False)
    response = client.post("/login", data={"email": email, "password": users.PASSWORD})
    assert response.status_code == 403
    assert "dinonaktifkan" in response.get_data(as_text=True)


def test_repeated_failures_lock_the_account_and_say_until_when(app, client, users):
    email = users.make()
    limit = app.config["STATDESK_LOGIN_MAX_FAILURES"]
    with clock.frozen(clock.now()):
        for _ in range(limit - 1):
            assert _attempt(client, email, "Wrong-password-1").status_code == 401
        locked = _attempt(client, email, "Wrong-password-1")
        assert locked.status_code == 429
        assert "Coba lagi setelah" in locked.get_data(as_text=True)
        # Even the right password is refused while the lock lasts.
        assert _attempt(client, email, users.PASSWORD).status_code == 429
        clock.advance(timedelta(minutes=app.config["STATDESK_LOGIN_LOCK_MINUTES"], seconds=1))
        assert _attempt(client, email, users.PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_locked(app, client, users):
    limit = app.config["STATDESK_LOGIN_MAX_FAILURES"] * 4
    statuses = [_attempt(client, f"guess{n}@example.org", "Wrong-password-1").status_code for n in range(limit)]
    assert statuses[:-1] == [401] * (limit - 1)
    assert statuses[-1] == 429


def test_success_resets_the_account_failure_count(app, client, users):
    email = users.make()
    limit = app.config["STATDESK_LOGIN_MAX_FAILURES"]
    for _ in range(limit - 1):
        _attempt(client, email, "Wrong-password-1")
    assert _attempt(client, email, users.PASSWORD).status_code == 302
    client.post("/logout")
    assert _attempt(client, email, "Wrong-password-1").status_code == 401


def test_logout_invalidates_a_copied_session_cookie(app, client, users):
    email = users.make()
    client.post("/login", data={"email": email, "password": users.PASSWORD})
    stolen = client.get_cookie("session").value
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/home").status_code == 302  # back to the login page


def test_sign_in_starts_a_fresh_session(client, users):
    email = users.make()
    with client.session_transaction() as session:
        session["planted"] = "by-an-attacker"
    client.post("/login", data={"email": email, "password": users.PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


OFFSITE = ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]


@pytest.mark.parametrize("target", OFFSITE)
def test_next_never_leaves_the_site(client, users, target):
    email = users.make()
    response = client.post(f"/login?next={target}", data={"email": email, "password": users.PASSWORD})
    assert response.headers["Location"] == "/home"


def test_next_to_a_page_of_this_site_is_followed(client, users):
    email = users.make()
    response = client.post("/login?next=/account", data={"email": email, "password": users.PASSWORD})
    assert response.headers["Location"] == "/account"


@pytest.mark.postgresql_only
def test_simultaneous_failures_for_a_new_address_never_crash(app, backend):
    import threading

    if backend != "postgresql":
        pytest.skip("concurrent writers run on the PostgreSQL pass")
    barrier, statuses = threading.Barrier(8), []

    def attempt(n):
        client = app.test_client()
        barrier.wait()
        response = client.post("/login", data={"email": "same@example.org", "password": "Wrong-password-1"},
                               environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(statuses) <= {401, 429} and len(statuses) == 8


def test_the_sweep_forgets_counters_only_once_their_window_and_lock_are_over(app, client, users):
    from accounts.login import forget_stale_throttles
    from accounts.models import LoginThrottle
    from core.extensions import db

    email = users.make()
    limit = app.config["STATDESK_LOGIN_MAX_FAILURES"]
    window = timedelta(minutes=app.config["STATDESK_LOGIN_LOCK_MINUTES"])
    with clock.frozen(clock.now()):
        _attempt(client, "typo@example.org", "Wrong-password-1")
        for _ in range(limit):
            _attempt(client, email, "Wrong-password-1")
        with app.app_context():
            assert forget_stale_throttles() == 0  # everything is inside its window or locked
        clock.advance(window + timedelta(seconds=1))
        with app.app_context():
            assert forget_stale_throttles() == 3  # typo, the locked account, the address
            assert db.session.query(LoginThrottle).count() == 0
        assert _attempt(client, email, users.PASSWORD).status_code == 302


def _sweep_during_password_check(monkeypatch):
    """Delete every throttle row (as a sweep in another request would) while the password is checked, once."""
    import accounts.login
    from accounts.models import LoginThrottle
    from core.extensions import db

    real, calls = accounts.login.verify_password, []

    def racing(password_hash, password):
        if not calls:
            calls.append(1)
            # Committed, as the sweep's own transaction would be, but leaving this request's rows in memory.
            session = db.session()
            session.execute(sa.delete(LoginThrottle).execution_options(synchronize_session=False))
            session.expire_on_commit = False
            session.commit()
            session.expire_on_commit = True
        return real(password_hash, password)

    monkeypatch.setattr(accounts.login, "verify_password", racing)
    return calls


def test_a_failed_login_that_races_the_throttle_sweep_is_counted_once(app, client, users, monkeypatch):
    from accounts.models import LoginThrottle
    from core.extensions import db

    email = users.make()
    _attempt(client, email, "Wrong-password-1")
    calls = _sweep_during_password_check(monkeypatch)
    assert _attempt(client, email, "Wrong-password-1").status_code == 401
    assert calls == [1]
    with app.app_context():
        rows = db.session.scalars(sa.select(LoginThrottle)).all()
        assert sorted(row.failures for row in rows) == [1, 1]


def test_a_good_login_that_races_the_throttle_sweep_signs_in(app, client, users, monkeypatch):
    email = users.make()
    _attempt(client, email, "Wrong-password-1")
    _sweep_during_password_check(monkeypatch)
    assert _attempt(client, email, users.PASSWORD).status_code == 302
