"""Account operations: registration, verification, password reset, profiles, administration.

Each function validates, changes state, writes the audit entry and the outbox
messages, and commits once.  Errors are ``AccountError`` with a message for the
user and the HTTP status a view should answer with.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app, url_for
from flask_babel import gettext as _

from accounts.models import ConsumerProfile, Role, Segment, User, UserRole, new_session_token
from accounts.passwords import hash_password, password_problems, verify_password
from accounts.tokens import TokenError, TokenProblem, fingerprint, make_token, read_token
from core import audit, clock
from core.errors import Conflict, DomainError, Gone, Invalid
from core.extensions import db
from core.outbox import queue_email

VERIFY = "verify-email"
RESET = "reset-password"


class AccountError(Invalid):
    """Account details or a sign-in step that break an account rule."""


@dataclass
class ProfileData:
    full_name: str
    segment: Segment = Segment.PUBLIC
    institution: str = ""
    phone: str = ""
    npwp: str = ""
    locale: str = "id"


def normalise_email(email: str) -> str:
    """The canonical lower-case form, or ``AccountError`` if it is not an address."""
    try:
        result = validate_email((email or "").strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        message = _("Enter a valid e-mail address.")
        raise AccountError(message, errors={"email": [message]}) from exc
    return result.normalized.lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def _check_password(password: str, email: str, full_name: str) -> None:
    problems = password_problems(password, email, full_name)
    if problems:
        raise AccountError(" ".join(problems), errors={"password": problems})


def _apply_profile(user: User, data: ProfileData) -> None:
    if data.segment is Segment.PRIVATE and not data.npwp.strip():  # refused before anything changes
        raise AccountError(_("A tax number (NPWP) is required for private companies."))
    user.full_name = data.full_name.strip()
    user.locale = data.locale if data.locale in ("id", "en") else "id"
    if user.profile is None:
        user.profile = ConsumerProfile()
    user.profile.segment = data.segment
    user.profile.institution = data.institution.strip()
    user.profile.phone = data.phone.strip()
    user.profile.npwp = data.npwp.strip()


def register_consumer(email: str, password: str, data: ProfileData, notice_version: str = "",
                      next_page: str = "") -> User:
    """Create a consumer account and e-mail a verification link.

    ``notice_version`` is the privacy notice the person agreed to (recorded with the time); ``next_page``
    (a local address) is where the link leads after confirming, e.g. a consultation form they were filling.

    A record that staff created for this e-mail (without a password) is claimed
    instead of duplicated: the person proves the address by the same link.
    """
    email = normalise_email(email)
    _check_password(password, email, data.full_name)
    user = find_by_email(email)
    if user is not None and user.password_hash:
        raise Conflict(_("An account with this e-mail address already exists."))
    if user is None:
        user = User(email=email)
        user.roles.append(UserRole(role=Role.CONSUMER))
        db.session.add(user)
    _apply_profile(user, data)
    user.password_hash = hash_password(password)
    if notice_version:
        user.privacy_notice_version, user.privacy_consent_at = notice_version, clock.now()
    db.session.flush()
    audit.record("account.registered", user, actor=user, privacy_notice=notice_version)
    _queue_verification(user, next_page)
    db.session.commit()
    return user


def _verification_state(user: User) -> str:
    return fingerprint(user.email, "unverified" if user.email_verified_at is None else "verified")


def _queue_verification(user: User, next_page: str = "") -> None:
    token = make_token(VERIFY, user.id, _verification_state(user))
    queue_email(user.email, "accounts/email/verify", locale=user.locale, user=user,
                link=url_for("accounts.verify_email", token=token, next=next_page or None, _external=False),
                hours=current_app.config["STATDESK_VERIFY_TOKEN_HOURS"])


def resend_verification(email: str) -> None:
    """Send a new link if the address belongs to an unverified account; say nothing otherwise."""
    user = find_by_email(email)
    if user is not None and user.email_verified_at is None and user.active:
        _queue_verification(user)
        db.session.commit()


TOKEN_MESSAGES = {
    TokenProblem.INVALID: lambda: _("This link is not valid. Check that you copied all of it."),
    TokenProblem.EXPIRED: lambda: _("This link has expired. Ask for a new one."),
    TokenProblem.USED: lambda: _("This link has already been used."),
}


def token_error(exc: TokenError) -> DomainError:
    refusal = AccountError if exc.problem is TokenProblem.INVALID else Gone
    return refusal(TOKEN_MESSAGES[exc.problem]())


def _user_from_token(purpose: str, token: str, max_age: int, state_of) -> User:
    try:
        user_id, state = read_token(purpose, token, max_age)
    except TokenError as exc:
        raise token_error(exc) from exc
    user = db.session.get(User, user_id)
    if user is None:
        raise token_error(TokenError(TokenProblem.INVALID))
    if state != state_of(user):
        raise token_error(TokenError(TokenProblem.USED))
    return user


def verify_email(token: str) -> User:
    """Mark the account's e-mail verified; the link works once."""
    max_age = current_app.config["STATDESK_VERIFY_TOKEN_HOURS"] * 3600
    user = _user_from_token(VERIFY, token, max_age, _verification_state)
    user.email_verified_at = clock.now()
    audit.record("account.email_verified", user, actor=user)
    db.session.commit()
    return user


def reset_state(user: User) -> str:
    return fingerprint(user.password_hash, user.email)


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the account exists; the answer never reveals whether it does."""
    try:
        email = normalise_email(email)
    except AccountError:
        return
    user = find_by_email(email)
    if user is None or not user.active or not user.password_hash:
        return
    token = make_token(RESET, user.id, reset_state(user))
    queue_email(user.email, "accounts/email/reset", locale=user.locale, user=user,
                link=url_for("accounts.reset_password", token=token),
                minutes=current_app.config["STATDESK_RESET_TOKEN_MINUTES"])
    audit.record("account.password_reset_requested", user)
    db.session.commit()


def check_reset_token(token: str) -> User:
    max_age = current_app.config["STATDESK_RESET_TOKEN_MINUTES"] * 60
    return _user_from_token(RESET, token, max_age, reset_state)


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; the link then stops working.

    Resetting by e-mail also proves the address, and signs out every other session.
    """
    user = check_reset_token(token)
    _check_password(new_password, user.email or "", user.full_name)
    _set_password(user, new_password)
    if user.email_verified_at is None:
        user.email_verified_at = clock.now()
    audit.record("account.password_reset", user, actor=user)
    queue_email(user.email, "accounts/email/password_changed", locale=user.locale, user=user)
    db.session.commit()
    return user


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise AccountError(_("The current password is not correct."))
    _check_password(new_password, user.email or "", user.full_name)
    _set_password(user, new_password)
    audit.record("account.password_changed", user, actor=user)
    queue_email(user.email, "accounts/email/password_changed", locale=user.locale, user=user)
    db.session.commit()


def update_profile(user: User, data: ProfileData) -> None:
    _apply_profile(user, data)
    audit.record("account.profile_updated", user, actor=user)
    db.session.commit()


def remember_language(user: User, code: str) -> None:
    """The language chosen in the header becomes the profile's (the next e-mail speaks it)."""
    if user.locale != code:
        user.locale = code
        audit.record("account.language", user, actor=user, locale=code)
        db.session.commit()
