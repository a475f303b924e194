"""Linking a single sign-on identity to an existing local account, with proof.

A provider saying "this person has the e-mail address x" does not prove that the
person owns the local account registered with x (a provider may be careless, or
compromised).  So the identity is linked only after one of two proofs:

- the local account's password (throttled like the login form), or
- a signed, expiring, single-use link e-mailed to the account's address.

Staff accounts (any role besides consumer) can be linked with their password only:
a mailbox alone is not enough to put a provider in front of a staff account.
"""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from accounts import sso
from accounts.login import ADDRESS_FACTOR, _check_locks, _count_failure, _limits, _throttle
from accounts.models import Role, ThrottleScope, User, new_session_token
from accounts.passwords import verify_password
from accounts.services import find_by_email, token_error
from accounts.tokens import ClockSigner, TokenError, TokenProblem, fingerprint
from core import audit
from core.errors import Conflict, Forbidden, Unauthenticated
from core.extensions import db
from core.outbox import queue_email

LINK_MINUTES = 30  # as short as a password reset link: the link hands over sign-in


def is_staff(user: User) -> bool:
    return any(link.role is not Role.CONSUMER for link in user.roles)


def account_for(claims: sso.Claims) -> User:
    """The local account the identity would be linked to."""
    user = find_by_email(claims.email)
    if user is None:
        raise Conflict(_("There is no account with this e-mail address any more. Start the sign-in again."))
    if not user.active:
        raise Forbidden(_("This account has been deactivated. Contact the service desk."))
    return user


def proofs(user: User) -> dict[str, bool]:
    """Which proofs the link page offers for ``user``."""
    return {"password": bool(user.password_hash), "email": not is_staff(user)}


def link_with_password(provider: sso.Provider, claims: sso.Claims, password: str, address: str) -> User:
    """Link and sign in when ``password`` is the account's; failures count as failed logins.

    Raises ``LoginLocked`` while the account or address is locked, ``SSOError`` (401)
    on a wrong password; nothing is linked then.
    """
    user = account_for(claims)
    limit, window = _limits()
    rows = [_throttle(ThrottleScope.ACCOUNT, user.email), _throttle(ThrottleScope.ADDRESS, address or "unknown")]
    _check_locks(rows)
    if not verify_password(user.password_hash, password or ""):
        _count_failure(rows[0], limit, window)
        _count_failure(rows[1], limit * ADDRESS_FACTOR, window)
        audit.record("account.sso_link_failed", user, provider=provider.name)
        db.session.commit()
        _check_locks(rows)
        raise Unauthenticated(_("The password is not correct."))
    rows[0].failures, rows[0].window_started_at, rows[0].locked_until = 0, None, None
    return sso.link_and_sign_in(user, provider, claims)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="statdesk.sso_link", signer=ClockSigner)


def _state(user: User, provider_name: str, subject: str) -> str:
    """Changes once the identity is linked (or the account's e-mail changes): single use."""
    linked = sso.identity_of(sso.providers()[provider_name], subject) is not None
    return fingerprint(user.email, provider_name, subject, "linked" if linked else "open")


def send_link_email(provider: sso.Provider, claims: sso.Claims) -> User:
    """E-mail the account a link that allows this identity; refused for staff accounts."""
    user = account_for(claims)
    if is_staff(user):
        raise Forbidden(_("A staff account can be linked only with its password."))
    token = _serializer().dumps({"u": user.id, "p": provider.name, "s": claims.subject,
                                 "f": _state(user, provider.name, claims.subject)})
    queue_email(user.email, "accounts/email/sso_link", locale=user.locale, user=user, provider=provider.label,
                link=url_for("accounts_sso.sso_link_confirm", token=token), minutes=LINK_MINUTES)
    audit.record("account.sso_link_mailed", user, provider=provider.name)
    db.session.commit()
    return user


def _read_link(token: str) -> tuple[User, sso.Provider, str]:
    try:
        data = _serializer().loads(token, max_age=LINK_MINUTES * 60)
    except SignatureExpired as exc:
        raise token_error(TokenError(TokenProblem.EXPIRED)) from exc
    except BadSignature as exc:
        raise token_error(TokenError(TokenProblem.INVALID)) from exc
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in ("p", "s", "f")) \
            or not isinstance(data.get("u"), int):
        raise token_error(TokenError(TokenProblem.INVALID))
    user, provider = db.session.get(User, data["u"]), sso.providers().get(data["p"])
    if user is None or provider is None:
        raise token_error(TokenError(TokenProblem.INVALID))
    if data["f"] != _state(user, provider.name, data["s"]):
        raise token_error(TokenError(TokenProblem.USED))
    return user, provider, data["s"]


def link_from_email(token: str, pending: sso.Claims | None) -> tuple[User, sso.Provider, bool]:
    """Link the identity named by an e-mailed link; returns ``(user, provider, signed_in)``.

    When the same browser still holds that sign-in (``pending``), the person is
    signed in at once; otherwise the identity is linked and the next SSO sign-in
    uses it.  An account whose e-mail had never been confirmed loses its password:
    whoever set it had not proved they own the address.
    """
    user, provider, subject = _read_link(token)
    if not user.active:
        raise Forbidden(_("This account has been deactivated. Contact the service desk."))
    if is_staff(user):  # became staff after the link was sent
        raise Forbidden(_("A staff account can be linked only with its password."))
    if user.email_verified_at is None and user.password_hash:
        user.password_hash, user.session_token = None, new_session_token()
        audit.record("account.password_cleared", user, reason="sso_link_unverified_email")
    if pending is not None and pending.subject == subject:
        return sso.link_and_sign_in(user, provider, pending), provider, True
    sso.add_identity(user, provider, subject, user.email)
    audit.record("account.sso_linked", user, actor=user, provider=provider.name, via="email")
    db.session.commit()
    return user, provider, False
