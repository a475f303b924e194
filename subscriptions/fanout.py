"""From a catalog signal to one alert per follower: events, the fan-out job, e-mails through the outbox.

1. The catalog's signals (sent after its commit) reach ``record_event``, which
   stores an ``AlertEvent`` under a key naming the event (``released:7``,
   ``versioned:7:3``, ``withdrawn:7``, ``moved:7:<new time>``; a repeated signal
   finds the key taken) and, once that commit has happened
   (``core.unit_of_work``), puts ``run_job(event_id)`` on the Redis queue when
   ``STATDESK_REDIS_URL`` is set.  Without Redis (development) the sweep
   ``subscriptions.fan-out`` picks the event up; in production the same sweep
   catches an event whose job was lost.
2. ``fan_out(event_id)`` finds the followers (``subscriptions.matching``), keeps
   per person the most specific subscription (it decides language, channel and
   digest), and inserts the ``Alert`` rows in batches with ON CONFLICT DO NOTHING
   RETURNING: only rows this very insert created come back, and only for those is
   an instant e-mail written to the outbox, in the same transaction.  A retried
   job, or two workers at once, therefore alert nobody twice: the unique
   constraint on (event, person) decides, not the job.
3. Daily and weekly digests (``send_digests``, a sweep) gather the alerts that
   wait for e-mail into one message per person.

Every alert e-mail carries a one-click unsubscribe link and the RFC 8058 headers
(``subscriptions.tokens``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from accounts.models import User
from catalog.models import Item
from core import clock, unit_of_work
from core.extensions import db
from core.locks import locked
from core.models import OutboxMessage, OutboxStatus
from core.timefmt import local_zone
from subscriptions import matching, tokens
from subscriptions.models import SPECIFICITY, Alert, AlertEvent, EventKind, Frequency, Subscription

BATCH = 2000
JOB_TIMEOUT = 1800
LINK_MARK = "\x00UNSUBSCRIBE\x00"  # replaced per recipient in a message rendered once per language


def _insert(model):
    return (pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert)(model)


# -- events ---------------------------------------------------------------------------------------

def record_event(kind: EventKind, item_id: int, key: str, **details) -> int | None:
    """Store the event once (a second signal for it is a no-op) and queue its fan-out after the commit."""
    row = db.session.execute(_insert(AlertEvent).values(key=key, kind=kind, item_id=item_id, details=details,
                                                        created_at=clock.now())
                             .on_conflict_do_nothing(index_elements=["key"]).returning(AlertEvent.id)).first()
    if row is not None:
        unit_of_work.after_commit(enqueue, row[0])
    db.session.commit()
    return row[0] if row else None


def enqueue(event_id: int) -> None:
    """Put the fan-out on the Redis queue (production); without Redis the sweep does it."""
    app = current_app._get_current_object()
    if not app.config["STATDESK_REDIS_URL"]:
        return
    from core.jobs import job_queue, redis_connection

    job_queue(app, redis_connection(app)).enqueue(run_job, event_id, job_timeout=JOB_TIMEOUT,
                                                  result_ttl=3600, failure_ttl=7 * 24 * 3600)


def run_job(event_id: int) -> int:
    """What an RQ worker runs (inside the application context ``flask jobs worker`` keeps pushed)."""
    return fan_out(event_id)


def on_released(sender, item_id: int, **_):
    record_event(EventKind.RELEASED, item_id, f"released:{item_id}")


def on_versioned(sender, item_id: int, version: int, **_):
    item = db.session.get(Item, item_id)
    changelog = next((v.changelog for v in item.versions if v.number == version), "") if item else ""
    record_event(EventKind.VERSIONED, item_id, f"versioned:{item_id}:{version}", version=version,
                 changelog=changelog)


def on_withdrawn(sender, item_id: int, reason: str = "", **_):
    record_event(EventKind.WITHDRAWN, item_id, f"withdrawn:{item_id}", reason=reason)


def on_moved(sender, item_id: int, previous: str, release_at: str, **_):
    record_event(EventKind.MOVED, item_id, f"moved:{item_id}:{release_at}"[:120], previous=previous,
                 release_at=release_at)


# -- fan-out -------------------------------------------------------------------------------------

def pending_events() -> int:
    """Sweep: fan out every event not yet fanned out (development; a safety net in production)."""
    ids = list(db.session.scalars(sa.select(AlertEvent.id).where(AlertEvent.fanned_out_at.is_(None))
                                  .order_by(AlertEvent.id)))
    db.session.commit()
    return sum(fan_out(event_id) for event_id in ids)


def followers(item: Item) -> dict[int, sa.Row]:
    """Per person (active, with an address) the most specific of their subscriptions that follow ``item``."""
    searches = matching.matching_searches(db.session, item)
    rows = db.session.execute(
        sa.select(Subscription.id, Subscription.user_id, Subscription.target, Subscription.label,
                  Subscription.frequency, Subscription.by_email, Subscription.in_site, Subscription.language,
                  Subscription.token_nonce, User.email)
        .join(User, User.id == Subscription.user_id)
        .where(matching.follower_clause(item, searches), User.active.is_(True), User.email.is_not(None)))
    best: dict[int, sa.Row] = {}
    for row in rows:
        known = best.get(row.user_id)
        if known is None or (SPECIFICITY.index(row.target), row.id) < (SPECIFICITY.index(known.target), known.id):
            best[row.user_id] = row
    return best


def fan_out(event_id: int) -> int:
    """Alert every follower of the event once; returns how many alerts this run created."""
    event = db.session.get(AlertEvent, event_id)
    if event is None or event.fanned_out_at is not None:
        db.session.commit()
        return 0
    item = db.session.get(Item, event.item_id)
    chosen = sorted(followers(item).values(), key=lambda row: row.user_id)
    created = 0
    messages = _Messages(event, item)
    for start in range(0, len(chosen), BATCH):
        created += _insert_batch(event, chosen[start:start + BATCH], messages)
        db.session.commit()
    if event.kind is EventKind.RELEASED:
        from subscriptions import standing

        standing.place_for_release(item.id)
    event = db.session.get(AlertEvent, event_id)
    if event.fanned_out_at is None:
        event.fanned_out_at = clock.now()
        event.recipients = db.session.scalar(sa.select(sa.func.count()).where(Alert.event_id == event_id))
    db.session.commit()
    return created


def _insert_batch(event: AlertEvent, rows: list, messages: _Messages) -> int:
    now = clock.now()
    values = [{"event_id": event.id, "user_id": row.user_id, "subscription_id": row.id, "language": row.language,
               "frequency": row.frequency, "by_email": row.by_email, "in_site": row.in_site,
               "emailed_at": now if _instant_mail(row) else None, "created_at": now} for row in rows]
    # Core statements run as one executemany ("insertmanyvalues" batches, compiled once), not one VALUES list.
    connection = db.session.connection()
    statement = (_insert(Alert.__table__).on_conflict_do_nothing(index_elements=["event_id", "user_id"])
                 .returning(Alert.__table__.c.user_id))
    inserted = set(connection.execute(statement, values).scalars())
    mails = [messages.outbox_row(row, now) for row in rows if row.user_id in inserted and _instant_mail(row)]
    if mails:
        connection.execute(sa.insert(OutboxMessage.__table__), mails)
    return len(inserted)


def _instant_mail(row) -> bool:
    return row.by_email and row.frequency is Frequency.INSTANT


class _Messages:
    """The event's e-mail rendered once per (language, subscription label), then addressed per recipient."""

    def __init__(self, event: AlertEvent, item: Item):
        self.event, self.item = event, item
        self.rendered: dict[tuple[str, str], tuple[str, str, str]] = {}
        self.base_url = current_app.config["STATDESK_BASE_URL"].rstrip("/")

    def _render(self, language: str, label: str) -> tuple[str, str, str]:
        key = (language, label)
        if key not in self.rendered:
            previous = self.event.details.get("previous")
            context = {"event": self.event, "item": self.item, "locale": language, "label": label,
                       "previous": datetime.fromisoformat(previous) if previous else None,
                       "unsubscribe_url": LINK_MARK, "item_url": f"{self.base_url}/catalog/{self.item.id}",
                       "site_name": current_app.config["STATDESK_SITE_NAME"], "base_url": self.base_url}
            with force_locale(language):
                self.rendered[key] = tuple(render_template(f"subscriptions/email/alert.{part}", **context)
                                           for part in ("subject.txt", "txt", "html"))
        return self.rendered[key]

    def outbox_row(self, row, now: datetime) -> dict:
        subject, text, html = self._render(row.language, row.label)
        url = tokens.unsubscribe_url(row.id, row.token_nonce, self.base_url)
        return {"recipient": row.email, "subject": subject.strip()[:255], "body_text": text.replace(LINK_MARK, url),
                "body_html": html.replace(LINK_MARK, url), "kind": "subscription_alert",
                "headers": tokens.list_unsubscribe_headers(url), "next_attempt_at": now, "created_at": now,
                "attempts": 0, "last_error": "", "status": OutboxStatus.PENDING, "sent_at": None}


# -- digests -------------------------------------------------------------------------------------

def digest_cutoffs(at: datetime | None = None) -> dict[Frequency, datetime]:
    """Alerts created before these (office time: today's start, this week's Monday) are due in a digest."""
    local = (at or clock.now()).astimezone(local_zone())
    today = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return {Frequency.DAILY: today, Frequency.WEEKLY: today - timedelta(days=today.weekday())}


def send_digests() -> int:
    """Sweep: one e-mail per person and frequency with every alert waiting for it; returns messages written."""
    written = 0
    for frequency, cutoff in digest_cutoffs().items():
        due = sa.select(Alert).where(Alert.by_email.is_(True), Alert.emailed_at.is_(None),
                                     Alert.frequency == frequency, Alert.created_at < cutoff).order_by(Alert.id)
        alerts = list(db.session.scalars(locked(due, skip_locked=True)))
        by_user: dict[int, list[Alert]] = {}
        for alert in alerts:
            by_user.setdefault(alert.user_id, []).append(alert)
        for user_id, batch in by_user.items():
            written += _digest(user_id, frequency, batch)
        db.session.commit()
    return written


def _digest(user_id: int, frequency: Frequency, alerts: list[Alert]) -> int:
    from core.outbox import queue_email

    user = db.session.get(User, user_id)
    now = clock.now()
    for alert in alerts:
        alert.emailed_at = now
    if user is None or not user.active or not user.email:
        return 0
    events = {e.id: e for e in db.session.scalars(sa.select(AlertEvent).where(
        AlertEvent.id.in_({a.event_id for a in alerts})))}
    items = {i.id: i for i in db.session.scalars(sa.select(Item).where(
        Item.id.in_({e.item_id for e in events.values()})))}
    entries = [(events[a.event_id], items.get(events[a.event_id].item_id)) for a in alerts]
    language = alerts[0].language
    subscription = db.session.get(Subscription, alerts[-1].subscription_id) if alerts[-1].subscription_id else None
    base = current_app.config["STATDESK_BASE_URL"].rstrip("/")
    url = tokens.unsubscribe_url(subscription.id, subscription.token_nonce, base) if subscription else ""
    queue_email(user.email, "subscriptions/email/digest", locale=language, kind="subscription_digest",
                headers=tokens.list_unsubscribe_headers(url) if url else None, entries=entries,
                frequency=frequency, locale_code=language, unsubscribe_url=url,
                manage_url=f"{base}/subscriptions/")
    return 1


def mark_read(user_id: int, alert_ids: Iterable[int] | None = None) -> int:
    query = sa.update(Alert).where(Alert.user_id == user_id, Alert.read_at.is_(None), Alert.in_site.is_(True))
    if alert_ids is not None:
        query = query.where(Alert.id.in_(list(alert_ids)))
    count = db.session.execute(query.values(read_at=clock.now())).rowcount
    db.session.commit()
    return count
