"""Signed links that work without a session: one-click unsubscribe (RFC 8058) and personal calendar feeds.

A token is ``base64url(JSON payload) "." base64url(HMAC-SHA256(key, payload))`` where the key
is derived once from ``SECRET_KEY`` and the token's purpose (its salt), so signing one for
each of 50,000 recipients costs microseconds.  An unsubscribe token signs
``[subscription id, nonce]``.  The nonce is the subscription's ``token_nonce``; using
the token deletes the subscription, so the same token used again (or one of a
subscription since deleted) finds nothing and is refused with 410, and a token whose
signature does not verify is refused with 400 — before anything is looked up.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from functools import lru_cache

from flask import current_app

UNSUBSCRIBE_SALT = "statdesk.subscriptions.unsubscribe"
FEED_SALT = "statdesk.subscriptions.feed"


class BadToken(ValueError):
    """The token was not signed by this site (forged, truncated or for another purpose)."""


@lru_cache(maxsize=16)
def _key(secret: str, salt: str) -> bytes:
    return hmac.new(secret.encode(), salt.encode(), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(value, salt: str, secret: str | None = None) -> str:
    payload = json.dumps(value, separators=(",", ":")).encode()
    key = _key(secret or current_app.config["SECRET_KEY"], salt)
    return f"{_b64(payload)}.{_b64(hmac.new(key, payload, hashlib.sha256).digest())}"


def unsign(token: str, salt: str):
    """The signed value, or ``BadToken`` when the signature does not verify."""
    try:
        encoded, signature = token.split(".")
        payload = _unb64(encoded)
        given = _unb64(signature)
    except (ValueError, TypeError) as exc:
        raise BadToken("malformed") from exc
    key = _key(current_app.config["SECRET_KEY"], salt)
    if not hmac.compare_digest(hmac.new(key, payload, hashlib.sha256).digest(), given):
        raise BadToken("bad signature")
    try:
        return json.loads(payload)
    except ValueError as exc:
        raise BadToken("malformed") from exc


def unsubscribe_token(subscription_id: int, nonce: str) -> str:
    return sign([subscription_id, nonce], UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    value = unsign(token, UNSUBSCRIBE_SALT)
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
    return sign([user_id, session_token[:12]], FEED_SALT)


def read_feed_token(token: str) -> tuple[int, str]:
    value = unsign(token, FEED_SALT)
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)):
        raise BadToken("malformed")
    return value[0], str(value[1])
