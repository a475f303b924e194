"""Signed, expiring tokens for e-mail links (verification and password reset).

A token carries the user's id and a fingerprint of the state it is meant to
change: once that state changes (the e-mail is verified, the password is reset)
the fingerprint no longer matches and the link reports itself as used.
"""

from __future__ import annotations

import enum
import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from core import clock


class ClockSigner(TimestampSigner):
    """Timestamps from ``core.clock`` so that tests can move time."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


class TokenProblem(enum.Enum):
    INVALID = "invalid"
    EXPIRED = "expired"
    USED = "used"


class TokenError(Exception):
    def __init__(self, problem: TokenProblem):
        super().__init__(problem.value)
        self.problem = problem


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"statdesk.{purpose}", signer=ClockSigner)


def fingerprint(*parts: str | None) -> str:
    joined = "\x1f".join(part or "" for part in parts)
    return hashlib.sha256(joined.encode()).hexdigest()[:20]


def make_token(purpose: str, user_id: int, state: str) -> str:
    return _serializer(purpose).dumps({"u": user_id, "f": state})


def read_token(purpose: str, token: str, max_age_seconds: int) -> tuple[int, str]:
    """Return ``(user_id, fingerprint)``; raise ``TokenError`` if forged or expired."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired as exc:
        raise TokenError(TokenProblem.EXPIRED) from exc
    except BadSignature as exc:
        raise TokenError(TokenProblem.INVALID) from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("f"), str):
        raise TokenError(TokenProblem.INVALID)
    return data["u"], data["f"]
