"""``Idempotency-Key`` for API writes, as Stripe's API has it, stored in the database.

``answer_once(key, run)``: the first request with a key claims it by inserting a row (token, key) and
committing; the unique constraint lets exactly one claim win, on SQLite and PostgreSQL alike, however many
replays arrive together. The winner runs the operation (which commits through its service) and stores the
answer; a replay waits until the answer is stored and gets it again, with ``Idempotent-Replayed: true``.
A replay with another method, path or body answers 422; a replay while the first is still running after
``WAIT`` seconds answers 409 (try again). A refused first request (a 4xx) releases the key, so a corrected
request may use it again. Keys are forgotten after ``KEEP`` (``api.idempotency-keys`` sweep).
"""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta

import sqlalchemy as sa
from flask import Response, g, json, request
from flask_babel import lazy_gettext as _l

from api.models import IdempotentRequest
from core import audit, clock
from core.errors import Conflict, DomainError, Invalid, Unprocessable
from core.extensions import db

HEADER = "Idempotency-Key"
WAIT = 15.0
KEEP = timedelta(hours=24)


def _fingerprint() -> str:
    return hashlib.sha256(b"\x1f".join([request.method.encode(), request.path.encode(),
                                        request.get_data() or b""])).hexdigest()


def _replay(row: IdempotentRequest) -> Response:
    response = Response(row.body or "", status=row.status, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    if row.location:
        response.headers["Location"] = row.location
    return response


def _wait_for(token_id: int, key: str, fingerprint: str) -> Response:
    deadline = time.monotonic() + WAIT
    while True:
        db.session.rollback()  # a fresh snapshot each time
        row = db.session.scalar(sa.select(IdempotentRequest).where(IdempotentRequest.token_id == token_id,
                                                                    IdempotentRequest.key == key))
        if row is not None and row.fingerprint != fingerprint:
            raise Unprocessable(_l("This Idempotency-Key was used for another request; use a new key."))
        if row is not None and row.status is not None:
            return _replay(row)
        if time.monotonic() > deadline:
            raise Conflict(_l("A request with this Idempotency-Key is still being answered; try again shortly."))
        time.sleep(0.05)


def answer_once(run) -> Response:
    """Answer ``run()`` (a ``Response``) once per token and ``Idempotency-Key``; without a key, just run it."""
    key = request.headers.get(HEADER)
    token = g.api_token
    if key is None:
        return _audited(run(), token)
    if not 1 <= len(key) <= 200 or not key.isascii() or not key.isprintable() or " " in key:
        raise Invalid(_l("An Idempotency-Key is 1 to 200 printable characters without spaces."),
                      errors={HEADER: [_l("An Idempotency-Key is 1 to 200 printable characters without spaces.")]})
    fingerprint = _fingerprint()
    token_id = token.id
    db.session.add(IdempotentRequest(token_id=token_id, key=key, fingerprint=fingerprint))
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        return _wait_for(token_id, key, fingerprint)
    try:
        response = run()
    except DomainError:
        _release(token_id, key)
        raise
    except Exception:
        _release(token_id, key)
        raise
    if response.status_code >= 400:
        _release(token_id, key)
        return response
    row = db.session.scalar(sa.select(IdempotentRequest).where(IdempotentRequest.token_id == token_id,
                                                                IdempotentRequest.key == key))
    row.status = response.status_code
    row.body = response.get_data(as_text=True)
    row.location = response.headers.get("Location", "")[:300]
    return _audited(response, db.session.get(type(token), token_id), key)


def _audited(response: Response, token, key: str | None = None) -> Response:
    """Record the write in the audit log (committed with the stored answer)."""
    if response.status_code < 400:
        audit.record("api.write", token, token.user, method=request.method, path=request.path,
                     status=response.status_code, idempotency_key=key or "")
        db.session.commit()
    return response


def _release(token_id: int, key: str) -> None:
    db.session.rollback()
    db.session.execute(sa.delete(IdempotentRequest).where(IdempotentRequest.token_id == token_id,
                                                          IdempotentRequest.key == key))
    db.session.commit()


def forget_old() -> int:
    """Sweep: drop keys older than ``KEEP``."""
    done = db.session.execute(sa.delete(IdempotentRequest).where(IdempotentRequest.created_at < clock.now() - KEEP))
    db.session.commit()
    return done.rowcount or 0


def as_json(document: dict, status: int = 200, location: str | None = None) -> Response:
    response = Response(json.dumps(document), status=status, mimetype="application/json")
    if location:
        response.headers["Location"] = location
    return response
