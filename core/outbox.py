"""The transactional e-mail outbox.

``queue_email`` renders a message in the recipient's language and adds it to the
current session, so it exists only if the change that caused it commits.
``deliver_due`` is the sweep that hands due messages to the transport, retrying
failures with exponential back-off; it is safe to run in several processes at once.
With a job queue (``STATDESK_REDIS_URL``) each committed message is also handed
to a worker at once (``deliver_message``, queued with the request's id), so mail
does not wait for the next sweep; the row lock and the status make the two paths
send it once.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale

from core import clock, unit_of_work
from core.extensions import db
from core.mail import DeliveryError, build_message, transport_from_config
from core.models import OutboxMessage, OutboxStatus

MAX_BACKOFF = timedelta(hours=6)


def queue_email(recipient: str, template: str, locale: str | None = None, kind: str = "",
                headers: dict | None = None, **context) -> OutboxMessage:
    """Render ``<template>.subject.txt``, ``.txt`` and ``.html`` and queue the message.

    The message is added to ``db.session``; the caller's commit sends it on its way.
    """
    locale = locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    context.setdefault("site_name", current_app.config["STATDESK_SITE_NAME"])
    context.setdefault("base_url", current_app.config["STATDESK_BASE_URL"].rstrip("/"))
    with force_locale(locale):
        subject = render_template(f"{template}.subject.txt", **context).strip()
        text = render_template(f"{template}.txt", **context)
        html = render_template(f"{template}.html", **context)
    message = OutboxMessage(recipient=recipient, subject=subject, body_text=text, body_html=html,
                            kind=kind or template.rsplit("/", 1)[-1], next_attempt_at=clock.now(),
                            headers=dict(headers or {}))
    db.session.add(message)
    if current_app.config["STATDESK_REDIS_URL"]:
        unit_of_work.after_commit(_hand_to_worker, message)
    return message


def _hand_to_worker(message: OutboxMessage) -> None:
    from core.jobs import enqueue

    enqueue(deliver_message, message.id)


def deliver_message(message_id: int, transport=None) -> str:
    """The job: send one message if it is still pending and due; ``sent``, ``retried``, ``failed``,
    ``held`` or ``skipped`` (already sent, or being sent by a sweep right now)."""
    app = current_app._get_current_object()
    with app.app_context():
        query = sa.select(OutboxMessage).where(OutboxMessage.id == message_id,
                                               OutboxMessage.status == OutboxStatus.PENDING,
                                               OutboxMessage.next_attempt_at <= clock.now())
        if db.engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        message = db.session.scalars(query).first()
        if message is None:
            return "skipped"
        outcome = _deliver_one(message, transport or transport_from_config(app.config),
                               app.config["STATDESK_OUTBOX_MAX_ATTEMPTS"])
        db.session.commit()
        return outcome


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 1, 2, 4 … minutes, at most six hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _claim_next(exclude: set[int]) -> OutboxMessage | None:
    query = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING,
               OutboxMessage.next_attempt_at <= clock.now(),
               OutboxMessage.id.not_in(exclude or {0}))
        .order_by(OutboxMessage.id)
        .limit(1)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return db.session.scalars(query).first()


def deliver_due(transport=None) -> dict[str, int]:
    """Send every due pending message; return counts of sent, retried, failed and held.

    Each message is sent and marked inside its own transaction holding the row
    lock, so two sweeps running at once never send the same message twice.
    """
    transport = transport or transport_from_config(current_app.config)
    max_attempts = current_app.config["STATDESK_OUTBOX_MAX_ATTEMPTS"]
    counts = {"sent": 0, "retried": 0, "failed": 0, "held": 0}
    seen: set[int] = set()
    for _ in range(current_app.config["STATDESK_OUTBOX_BATCH"]):
        message = _claim_next(seen)
        if message is None:
            break
        seen.add(message.id)
        counts[_deliver_one(message, transport, max_attempts)] += 1
        db.session.commit()
    return counts


def _deliver_one(message: OutboxMessage, transport, max_attempts: int) -> str:
    if transport.keeps_messages:
        message.status = OutboxStatus.HELD
        return "held"
    sender = current_app.config["STATDESK_MAIL_FROM"]
    try:
        transport.send(build_message(sender, message.recipient, message.subject,
                                     message.body_text, message.body_html, message.headers))
    except DeliveryError as exc:
        message.attempts += 1
        message.last_error = str(exc)[:2000]
        if message.attempts >= max_attempts:
            message.status = OutboxStatus.FAILED
            return "failed"
        message.next_attempt_at = clock.now() + backoff(message.attempts)
        return "retried"
    message.attempts += 1
    message.status = OutboxStatus.SENT
    message.sent_at = clock.now()
    message.last_error = ""
    return "sent"
