"""Signing in and out, with throttling of repeated failures.

Failures are counted per account e-mail and per client address.  When either
count reaches its limit inside the lock window, sign-in from it is refused until
the lock ends, and the person is told until when.  An address gets four times the
account limit, since many people may share one office gateway.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError

from accounts.models import LoginThrottle, ThrottleScope, User, new_session_token
from accounts.passwords import verify_password
from core import audit, clock
from core.errors import Forbidden, TooMany, Unauthenticated
from core.extensions import db
from core.timefmt import format_local

ADDRESS_FACTOR = 4


class LoginLocked(TooMany):
    """Sign-in refused until ``until`` after too many failures."""

    def __init__(self, until: datetime):
        super().__init__(_("Too many failed sign-in attempts. Try again after %(time)s.", time=format_local(until)))
        self.until = until


def _throttle(scope: ThrottleScope, key: str) -> LoginThrottle:
    """The counter row for ``key``, created if missing.

    Two first failures at the same instant may both try to create it: the loser's
    savepoint rolls back on the unique constraint and it reads the winner's row.
    """
    # Locked so that simultaneous failures add up (always account first, then address).
    query = (sa.select(LoginThrottle).where(LoginThrottle.scope == scope, LoginThrottle.key == key)
             .with_for_update())
    row = db.session.scalar(query)
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = LoginThrottle(scope=scope, key=key, failures=0)
            db.session.add(row)
    except sa.exc.IntegrityError:
        row = db.session.scalar(query)
    return row


def _limits() -> tuple[int, timedelta]:
    config = current_app.config
    return config["STATDESK_LOGIN_MAX_FAILURES"], timedelta(minutes=config["STATDESK_LOGIN_LOCK_MINUTES"])


def _check_locks(rows: list[LoginThrottle]) -> None:
    now = clock.now()
    locked = [row.locked_until for row in rows if row.locked_until and row.locked_until > now]
    if locked:
        raise LoginLocked(max(locked))


def _count_failure(row: LoginThrottle, limit: int, window: timedelta) -> None:
    now = clock.now()
    if row.window_started_at is None or now - row.window_started_at > window:
        row.window_started_at, row.failures = now, 0
    row.failures += 1
    if row.failures >= limit:
        row.locked_until = now + window
        row.failures, row.window_started_at = 0, None


def forget_stale_throttles() -> int:
    """The sweep that deletes counters with no lock and no failure inside the window.

    Every mistyped or invented e-mail leaves a row; without this the table only grows.
    """
    _, window = _limits()
    now = clock.now()
    result = db.session.execute(sa.delete(LoginThrottle).where(
        sa.or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= now),
        sa.or_(LoginThrottle.window_started_at.is_(None), LoginThrottle.window_started_at < now - window)))
    db.session.commit()
    return result.rowcount


def authenticate(email: str, password: str, address: str) -> User:
    """Return the user for these credentials or raise ``AccountError``/``LoginLocked``.

    The failure message is the same for an unknown e-mail and a wrong password.
    When the throttle sweep deletes a counter row between this sign-in's read and
    its write, the attempt is rolled back and made once more on fresh rows.
    """
    try:
        return _authenticate(email, password, address)
    except (StaleDataError, ObjectDeletedError):
        db.session.rollback()
        return _authenticate(email, password, address)


def _authenticate(email: str, password: str, address: str) -> User:
    limit, window = _limits()
    email = (email or "").strip().lower()[:255]
    rows = [_throttle(ThrottleScope.ACCOUNT, email), _throttle(ThrottleScope.ADDRESS, address or "unknown")]
    _check_locks(rows)
    user = db.session.scalar(sa.select(User).where(User.email == email)) if email else None
    if user is None or not verify_password(user.password_hash, password):
        _count_failure(rows[0], limit, window)
        _count_failure(rows[1], limit * ADDRESS_FACTOR, window)
        audit.record("account.login_failed", ("User", user.id if user else ""), email=email)
        db.session.commit()
        _check_locks(rows)
        raise Unauthenticated(_("The e-mail address or password is not correct."))
    if not user.active:
        db.session.rollback()
        raise Forbidden(_("This account has been deactivated. Contact the service desk."))
    if user.email_verified_at is None:
        db.session.rollback()
        raise Forbidden(_("Confirm your e-mail address first: open the link we sent you."))
    rows[0].failures, rows[0].window_started_at, rows[0].locked_until = 0, None, None
    user.last_login_at = clock.now()
    audit.record("account.login", user, actor=user)
    db.session.commit()
    return user


def end_sessions(user: User) -> None:
    """Invalidate every session cookie of ``user`` (used at logout)."""
    user.session_token = new_session_token()
    audit.record("account.logout", user, actor=user)
    db.session.commit()


def second_step_counters(user: User, address: str) -> list[LoginThrottle]:
    """The locked counters of the second step, or ``LoginLocked`` while either is locked.

    Wrong codes count per user (a counter a correct password does not reset, so
    re-entering the password buys no new guesses) and per address, together with
    wrong passwords from it.
    """
    rows = [_throttle(ThrottleScope.SECOND_FACTOR, str(user.id)),
            _throttle(ThrottleScope.ADDRESS, address or "unknown")]
    _check_locks(rows)
    return rows


def second_step_failed(user: User, rows: list[LoginThrottle]) -> None:
    """Count a wrong code, audit it and commit; ``LoginLocked`` if that reached a limit."""
    limit, window = _limits()
    _count_failure(rows[0], limit, window)
    _count_failure(rows[1], limit * ADDRESS_FACTOR, window)
    audit.record("account.second_factor_failed", user, actor=user)
    db.session.commit()
    _check_locks(rows)


def second_step_passed(rows: list[LoginThrottle]) -> None:
    """Forget the user's wrong codes (the caller commits)."""
    rows[0].failures, rows[0].window_started_at, rows[0].locked_until = 0, None, None
