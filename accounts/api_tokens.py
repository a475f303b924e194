"""Personal access tokens: create (shown once), list, revoke, and the one place a Bearer header signs in.

A token reads ``sdt_<prefix>_<secret>``: 8 characters of prefix shown in lists, 32 random bytes of secret.
Only the SHA-256 of the whole token is stored: the secret carries 256 bits of chance, so a slow password
hash would add nothing but time on every request. ``authenticate_bearer`` runs before every request
(``accounts/wiring.py``): a request under ``/api/`` with ``Authorization: Bearer …`` is answered as the
token's owner, for that request only (nothing is written to the session), with ``g.api_token`` set; a
malformed, unknown, revoked or expired token answers 401 at once. Elsewhere the header is ignored: a token
never opens the site's pages. A session cookie never authorises an API
operation that needs a scope (``api/guard.py``), which is why the API's writes need no CSRF token.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import g, request
from flask_babel import lazy_gettext as _l

from accounts.models import ApiToken, User
from core import audit, clock
from core.errors import Forbidden, Invalid, NotFound, Unauthenticated
from core.extensions import db

SCOPES = {
    "read": _l("Read the public catalog and tables, counted against this token's own rate limit"),
    "orders": _l("Read my orders, invoices and download links"),
    "consultations": _l("Read, open, answer and rate my consultations"),
}
EXPIRY_DAYS = (7, 30, 90, 365)
MAX_TOKENS = 20
LAST_USE_EVERY = timedelta(minutes=1)
_SHAPE = re.compile(r"^sdt_([A-Za-z0-9]{8})_([A-Za-z0-9_-]{43})$")


class TokenRefused(Invalid):
    pass


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def scopes_for(user: User) -> dict:
    """The scopes ``user`` may give a token (staff-only scopes join here when staff operations exist)."""
    return dict(SCOPES)


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def create(user: User, name: str, scopes: list[str], days: int) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the token itself, which is never shown again."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 80:
        raise TokenRefused(_l("Give the token a name of 1 to 80 characters."), errors={"name": [
            _l("Give the token a name of 1 to 80 characters.")]})
    allowed = scopes_for(user)
    chosen = [scope for scope in dict.fromkeys(scopes) if scope]
    if not chosen or any(scope not in allowed for scope in chosen):
        raise TokenRefused(_l("Choose at least one of the scopes offered."), errors={"scopes": [
            _l("Choose at least one of the scopes offered.")]})
    if days not in EXPIRY_DAYS:
        raise TokenRefused(_l("Choose one of the expiry periods offered."), errors={"days": [
            _l("Choose one of the expiry periods offered.")]})
    live = db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > clock.now()))
    if live >= MAX_TOKENS:
        raise TokenRefused(_l("You have %(most)d active tokens; revoke one first.", most=MAX_TOKENS))
    prefix = "".join(secrets.choice("abcdefghijkmnpqrstuvwxyz23456789") for _ in range(8))
    token = f"sdt_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiToken(user_id=user.id, name=name, prefix=prefix, token_hash=digest(token), scopes=" ".join(chosen),
                   expires_at=clock.now() + timedelta(days=days))
    db.session.add(row)
    db.session.flush()
    audit.record("api_token.created", row, user, name=name, scopes=chosen, days=days)
    db.session.commit()
    return row, token


def revoke(actor: User, token_id: int) -> ApiToken:
    """Revoke a token of ``actor``'s own, or any token when ``actor`` is an administrator."""
    row = db.session.get(ApiToken, token_id)
    if row is None or (row.user_id != actor.id and not actor.has_role("admin")):
        raise NotFound()
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        row.revoked_by_id = actor.id
        audit.record("api_token.revoked", row, actor, owner=row.user_id, name=row.name)
        db.session.commit()
    return row


def all_tokens(page: int, per_page: int):
    """Every token, newest first, for the administrators' list."""
    query = sa.select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


BAD_TOKEN = _l("The access token is malformed, unknown, revoked or expired. Create a new one on your account "
               "page.")


def find(token: str) -> ApiToken:
    """The live token ``token`` names; raises ``Unauthenticated`` otherwise."""
    if not _SHAPE.match(token or ""):
        raise Unauthenticated(BAD_TOKEN)
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == digest(token)))
    now = clock.now()
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.user.is_active:
        raise Unauthenticated(BAD_TOKEN)
    return row


def authenticate_bearer():
    """Before each request: sign the request in as a Bearer token's owner (see the module docstring)."""
    if not request.path.startswith("/api/"):
        return  # a token opens API operations only, never the site's pages
    header = request.headers.get("Authorization", "")
    if header[:7].lower() != "bearer ":
        if header:
            raise Unauthenticated(BAD_TOKEN)
        return
    row = find(header[7:].strip())
    g.api_token = row
    g.api_token_id = row.id
    g._login_user = row.user  # flask-login's current user, for this request only
    now = clock.now()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USE_EVERY:
        row.last_used_at = now
        row.last_used_from = (request.remote_addr or "")[:64]
        db.session.commit()


def require_scope(scope: str) -> ApiToken:
    """The request's token, if it carries ``scope``: 401 without a token, 403 without the scope."""
    row = getattr(g, "api_token", None)
    if row is None:
        raise Unauthenticated(_l("This operation needs a personal access token: send it as "
                                 "'Authorization: Bearer <token>'."))
    if scope not in row.scope_list:
        raise Forbidden(_l("This token does not have the '%(scope)s' scope.", scope=scope))
    return row
