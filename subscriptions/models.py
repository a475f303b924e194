"""What a consumer follows, the events the catalog announced, the alerts each person got, and standing orders.

``Alert`` holds one row per (event, person): the unique constraint is what makes
a fan-out that is retried, or run by two workers at once, alert nobody twice
(``subscriptions.fanout`` inserts with ON CONFLICT DO NOTHING and writes e-mails
only for the rows its own insert created).
"""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.extensions import db
from core.models import UTCDateTime, enum_column


class Target(enum.Enum):
    ITEM = "item"
    SERIES = "series"
    SUBJECT = "subject"
    REGION = "region"
    PRODUCER = "producer"
    SEARCH = "search"

    @property
    def label(self) -> str:
        return str(TARGET_LABELS[self])


TARGET_LABELS = {Target.ITEM: _l("Item"), Target.SERIES: _l("Series"), Target.SUBJECT: _l("Subject area"),
                 Target.REGION: _l("Region"), Target.PRODUCER: _l("Producer"), Target.SEARCH: _l("Saved search")}

# When a person follows one release through several subscriptions, the most specific one speaks.
SPECIFICITY = (Target.ITEM, Target.SERIES, Target.SEARCH, Target.PRODUCER, Target.SUBJECT, Target.REGION)


class Frequency(enum.Enum):
    INSTANT = "instant"
    DAILY = "daily"
    WEEKLY = "weekly"

    @property
    def label(self) -> str:
        return str(FREQUENCY_LABELS[self])


FREQUENCY_LABELS = {Frequency.INSTANT: _l("At once"), Frequency.DAILY: _l("Daily digest"),
                    Frequency.WEEKLY: _l("Weekly digest")}


class EventKind(enum.Enum):
    RELEASED = "released"
    VERSIONED = "versioned"
    WITHDRAWN = "withdrawn"
    MOVED = "moved"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS[self])


EVENT_LABELS = {EventKind.RELEASED: _l("Released"), EventKind.VERSIONED: _l("New version"),
                EventKind.WITHDRAWN: _l("Withdrawn"), EventKind.MOVED: _l("Release date moved")}


class StandingState(enum.Enum):
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"

    @property
    def label(self) -> str:
        return str(STANDING_LABELS[self])


STANDING_LABELS = {StandingState.ACTIVE: _l("Active"), StandingState.PAUSED: _l("Paused"),
                   StandingState.ENDED: _l("Ended")}


def new_nonce() -> str:
    return secrets.token_hex(16)


class Subscription(db.Model):
    """One person following one thing: ``target`` and ``value`` (item id, series key, code, unit or query)."""

    __tablename__ = "subscription"
    __table_args__ = (sa.UniqueConstraint("user_id", "target", "value"),
                      sa.Index("ix_subscription_target_value", "target", "value"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    target: Mapped[Target] = mapped_column(enum_column(Target), nullable=False)
    value: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    label: Mapped[str] = mapped_column(sa.String(300), default="", nullable=False)
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency), default=Frequency.INSTANT, nullable=False)
    by_email: Mapped[bool] = mapped_column(default=True, nullable=False)
    in_site: Mapped[bool] = mapped_column(default=True, nullable=False)
    language: Mapped[str] = mapped_column(sa.String(8), default="id", nullable=False)
    token_nonce: Mapped[str] = mapped_column(sa.String(32), default=new_nonce, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)


class AlertEvent(db.Model):
    """Something the catalog announced that followers hear of, once: ``key`` names it uniquely."""

    __tablename__ = "alert_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(120), unique=True, nullable=False)
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind), nullable=False)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("catalog_item.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)
    fanned_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    recipients: Mapped[int] = mapped_column(default=0, nullable=False)


class Alert(db.Model):
    """What one person got for one event (in-site notice and/or e-mail, in the subscription's language)."""

    __tablename__ = "alert"
    __table_args__ = (sa.UniqueConstraint("event_id", "user_id"),
                      sa.Index("ix_alert_user_id_read_at", "user_id", "read_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("alert_event.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False)
    subscription_id: Mapped[int | None] = mapped_column(sa.ForeignKey("subscription.id", ondelete="SET NULL"),
                                                        index=True)
    language: Mapped[str] = mapped_column(sa.String(8), default="id", nullable=False)
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency), nullable=False)
    by_email: Mapped[bool] = mapped_column(default=False, nullable=False)
    in_site: Mapped[bool] = mapped_column(default=False, nullable=False)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)


class StandingOrder(db.Model):
    """A consumer's order for every new release of one series, placed under the rules of the day."""

    __tablename__ = "standing_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    series: Mapped[str] = mapped_column(sa.String(300), nullable=False, index=True)
    label: Mapped[str] = mapped_column(sa.String(300), default="", nullable=False)
    state: Mapped[StandingState] = mapped_column(enum_column(StandingState), default=StandingState.ACTIVE,
                                                 nullable=False)
    non_commercial: Mapped[bool] = mapped_column(default=False, nullable=False)
    purpose: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    letter_key: Mapped[str | None] = mapped_column(sa.String(255))
    abstract_key: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)


class StandingRelease(db.Model):
    """One release a standing order has placed its order for (unique: a retried job places nothing twice)."""

    __tablename__ = "standing_release"
    __table_args__ = (sa.UniqueConstraint("standing_order_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    standing_order_id: Mapped[int] = mapped_column(sa.ForeignKey("standing_order.id", ondelete="CASCADE"),
                                                   nullable=False)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("catalog_item.id", ondelete="CASCADE"), nullable=False)
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_record.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(sa.String(40), default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)
