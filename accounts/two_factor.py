"""Two-factor sign-in: TOTP authenticators (RFC 6238) and single-use recovery codes.

Administrators, finance officers and supervisors must have a confirmed factor;
everyone else may add one from their account page.  A factor is confirmed by a
first valid code; each code (of one 30-second step, one step of clock drift
either side accepted) works once, and wrong codes are throttled with the
sign-in counters of ``accounts.login``.  Ten recovery codes are made at
enrolment, shown once and stored hashed.  Functions that change state audit and
commit once; errors are ``AccountError`` (or ``LoginLocked``) for the view.

The TOTP secret itself has to be stored readable, since verifying a code needs
it; it never leaves the enrolment page.
"""

from __future__ import annotations

import enum
import hmac
import io
import re
import secrets

import pyotp
import qrcode
import qrcode.image.svg
import sqlalchemy as sa
from flask_babel import gettext as _

from accounts.login import second_step_counters, second_step_failed, second_step_passed
from accounts.models import RecoveryCode, Role, SecondFactor, User, new_session_token
from accounts.passwords import hash_password, verify_password
from core import audit, clock
from core.errors import Conflict, Unauthenticated
from core.extensions import db
from core.outbox import queue_email

REQUIRED_ROLES = frozenset({Role.ADMIN, Role.FINANCE, Role.SUPERVISOR})
DRIFT_STEPS = 1
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
RECOVERY_LENGTH = 10
TOTP_CODE = re.compile(r"[0-9]{6}")


class Step(enum.Enum):
    """What a user has to do after the password before the session is signed in."""

    NONE = "none"
    VERIFY = "verify"
    ENROL = "enrol"


def factor_of(user: User) -> SecondFactor | None:
    return db.session.scalar(sa.select(SecondFactor).where(SecondFactor.user_id == user.id))


def required_for(user: User, factor: SecondFactor | None = None) -> bool:
    """True when the user may not sign in without a confirmed factor."""
    if any(link.role in REQUIRED_ROLES for link in user.roles):
        return True
    factor = factor if factor is not None else factor_of(user)
    return bool(factor and factor.enrol_required)


def step_for(user: User) -> Step:
    factor = factor_of(user)
    if factor is not None and factor.confirmed:
        return Step.VERIFY
    return Step.ENROL if required_for(user, factor) else Step.NONE


def begin_enrolment(user: User) -> SecondFactor:
    """The user's unconfirmed factor with a secret, created on first call and reused after.

    Reusing it keeps a QR code already scanned valid when the page is reloaded.
    """
    factor = factor_of(user)
    if factor is not None and factor.confirmed:
        raise Conflict(_("Two-factor sign-in is already set up for this account."))
    if factor is None:
        factor = SecondFactor(user_id=user.id)
        db.session.add(factor)
    if not factor.secret:
        factor.secret = pyotp.random_base32()
        db.session.commit()
    return factor


def provisioning_uri(user: User, factor: SecondFactor, issuer: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(factor.secret).provisioning_uri(name=user.email or str(user.id), issuer_name=issuer)


def qr_svg(data: str) -> bytes:
    """``data`` as a QR code in a standalone SVG document."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def _matching_step(secret: str, code: str) -> int | None:
    totp = pyotp.TOTP(secret)
    now = totp.timecode(clock.now())
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _accept_totp(factor: SecondFactor, code: str) -> bool:
    """True if ``code`` is valid now and its step is later than any accepted before.

    The step moves forward in one conditional UPDATE, so two requests with the
    same code cannot both pass, on SQLite or PostgreSQL.
    """
    step = _matching_step(factor.secret, code) if TOTP_CODE.fullmatch(code) else None
    if step is None:
        return False
    moved = db.session.execute(
        sa.update(SecondFactor)
        .where(SecondFactor.id == factor.id,
               sa.or_(SecondFactor.last_step.is_(None), SecondFactor.last_step < step))
        .values(last_step=step, updated_at=clock.now())
        .execution_options(synchronize_session=False))
    return moved.rowcount == 1


def _normalised_recovery(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch in RECOVERY_ALPHABET)


def _accept_recovery_code(user: User, code: str) -> bool:
    """True if ``code`` is one of the user's unused recovery codes, which is then spent."""
    code = _normalised_recovery(code)
    if len(code) != RECOVERY_LENGTH:
        return False
    unused = db.session.scalars(sa.select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                              RecoveryCode.used_at.is_(None))).all()
    for row in unused:
        if verify_password(row.code_hash, code):
            spent = db.session.execute(
                sa.update(RecoveryCode).where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                .values(used_at=clock.now()).execution_options(synchronize_session=False))
            return spent.rowcount == 1
    return False


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
             for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_password(code)) for code in codes)
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def remaining_recovery_codes(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def _wrong_code(user: User, rows) -> Unauthenticated:
    second_step_failed(user, rows)
    return Unauthenticated(_("The code is not correct. Enter the current code from your authenticator app."))


def confirm_enrolment(user: User, code: str, address: str) -> list[str]:
    """Confirm the enrolling factor with its first valid code; return the new recovery codes."""
    factor = factor_of(user)
    if factor is None or not factor.secret or factor.confirmed:
        raise Conflict(_("Start the set-up of two-factor sign-in again."))
    rows = second_step_counters(user, address)
    if not _accept_totp(factor, (code or "").strip()):
        raise _wrong_code(user, rows)
    second_step_passed(rows)
    factor.confirmed_at, factor.enrol_required = clock.now(), False
    codes = _new_recovery_codes(user)
    audit.record("account.second_factor_enrolled", user, actor=user)
    _notify(user, "enrolled")
    db.session.commit()
    return codes


def _check(user: User, code: str, address: str) -> str:
    """``"totp"`` or ``"recovery"`` for a code that passes; counts and refuses one that does not."""
    factor = factor_of(user)
    if factor is None or not factor.confirmed:
        raise Conflict(_("Set up two-factor sign-in first."))
    rows = second_step_counters(user, address)
    code = (code or "").strip()
    if _accept_totp(factor, code):
        way = "totp"
    elif _accept_recovery_code(user, code):
        way = "recovery"
    else:
        raise _wrong_code(user, rows)
    second_step_passed(rows)
    return way


def verify(user: User, code: str, address: str) -> str:
    """Check the second step of a sign-in; return ``"totp"`` or ``"recovery"`` for the way it passed.

    Raises ``LoginLocked`` while wrong codes lock the user or the address, and
    ``AccountError`` (401) for a wrong, used or replayed code.
    """
    way = _check(user, code, address)
    audit.record("account.second_factor_passed", user, actor=user, way=way)
    db.session.commit()
    return way


def regenerate_recovery_codes(user: User, code: str, address: str) -> list[str]:
    """New recovery codes in place of the old ones, after a current code."""
    _check(user, code, address)
    codes = _new_recovery_codes(user)
    audit.record("account.recovery_codes_renewed", user, actor=user)
    db.session.commit()
    return codes


def disable(user: User, code: str, address: str) -> None:
    """Remove a factor the user chose to add; refused where the roles require one."""
    if required_for(user):
        raise Conflict(_("Your role requires two-factor sign-in; it cannot be turned off."))
    _check(user, code, address)
    _remove(user)
    audit.record("account.second_factor_removed", user, actor=user)
    _notify(user, "removed")
    db.session.commit()


def _remove(user: User) -> None:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(sa.delete(SecondFactor).where(SecondFactor.user_id == user.id))


def reset_by_admin(actor: User | None, user: User) -> None:
    """An administrator's reset of a lost factor (``actor`` ``None``: from the command line):
    it and its recovery codes are deleted, every session of the user ends, and the user
    must enrol again at the next sign-in."""
    had_factor = step_for(user) is Step.VERIFY
    _remove(user)
    db.session.add(SecondFactor(user_id=user.id, enrol_required=True))
    user.session_token = new_session_token()
    audit.record("account.second_factor_reset", user, actor=actor, had_factor=had_factor)
    _notify(user, "reset")
    db.session.commit()


def _notify(user: User, change: str) -> None:
    if user.email:
        queue_email(user.email, "accounts/email/second_factor", locale=user.locale, user=user, change=change)
