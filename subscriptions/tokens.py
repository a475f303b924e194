"""Signed links that work without a session: one-click unsubscribe (RFC 8058) and personal calendar feeds.

An unsubscribe token signs ``[subscription id, nonce]``.  The nonce is the
subscription's ``token_nonce``; using the token deletes the subscription, so the
same token used again (or one of a subscription since deleted) finds nothing and
is refused with 410, and a token whose signature does not verify is refused with
400 — before anything is looked up.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

UNSUBSCRIBE_SALT = "statdesk.subscriptions.unsubscribe"
FEED_SALT = "statdesk.subscriptions.feed"


class BadToken(ValueError):
    """The token was not signed by this site (forged, truncated or for another purpose)."""


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def unsubscribe_token(subscription_id: int, nonce: str) -> str:
    return _serializer(UNSUBSCRIBE_SALT).dumps([subscription_id, nonce])


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    try:
        value = _serializer(UNSUBSCRIBE_SALT).loads(token)
    except BadSignature as exc:
        raise BadToken(str(exc)) from None
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)
            and isinstance(value[1], str)):
        raise BadToken("malformed")
    return value[0], value[1]


def unsubscribe_url(subscription_id: int, nonce: str, base_url: str) -> str:
    return f"{base_url}/subscriptions/unsubscribe/{unsubscribe_token(subscription_id, nonce)}"


def list_unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 8058: a mail client may POST ``List-Unsubscribe=One-Click`` to ``url``."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def feed_token(user_id: int, session_token: str) -> str:
    """The personal calendar feed's key: it stops working when the person's sessions are reset."""
    return _serializer(FEED_SALT).dumps([user_id, session_token[:12]])


def read_feed_token(token: str) -> tuple[int, str]:
    try:
        value = _serializer(FEED_SALT).loads(token)
    except BadSignature as exc:
        raise BadToken(str(exc)) from None
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)):
        raise BadToken("malformed")
    return value[0], str(value[1])
