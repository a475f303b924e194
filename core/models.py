"""Column types and mixins every package uses, and core's own tables.

``UTCDateTime`` stores aware UTC datetimes on both SQLite (which keeps no time
zone) and PostgreSQL, so comparisons with ``clock.now()`` never mix naive and
aware values.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from core import clock
from core.extensions import db


class UTCDateTime(TypeDecorator):
    """A timestamp that goes in and comes out as aware UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use core.clock.now()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_column(enum_class: type[enum.Enum], **kwargs) -> sa.Enum:
    """A portable enum column storing the members' values as short strings."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
        **kwargs,
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=clock.now, onupdate=clock.now, nullable=False
    )


class AuditEntry(db.Model):
    """Who did what to which object, when and from where."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    actor_label: Mapped[str] = mapped_column(sa.String(255), default="", nullable=False)
    action: Mapped[str] = mapped_column(sa.String(80), nullable=False, index=True)
    object_type: Mapped[str] = mapped_column(sa.String(80), default="", nullable=False)
    object_id: Mapped[str] = mapped_column(sa.String(80), default="", nullable=False)
    origin: Mapped[str] = mapped_column(sa.String(64), default="", nullable=False)
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)

    __table_args__ = (sa.Index("ix_audit_entry_object", "object_type", "object_id"),)


class OutboxStatus(enum.Enum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    HELD = "held"  # no SMTP configured: kept for the admin outbox page

    @property
    def label(self) -> str:
        return str(OUTBOX_STATUS_LABELS[self])


OUTBOX_STATUS_LABELS = {
    OutboxStatus.PENDING: _l("Waiting to be sent"),
    OutboxStatus.SENT: _l("Sent"),
    OutboxStatus.FAILED: _l("Failed"),
    OutboxStatus.HELD: _l("Held (no mail server set)"),
}


class OutboxMessage(db.Model):
    """An e-mail written in the transaction that caused it, delivered after commit."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)
    recipient: Mapped[str] = mapped_column(sa.String(255), nullable=False, index=True)
    subject: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    body_text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    body_html: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(80), default="", nullable=False, index=True)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus), default=OutboxStatus.PENDING, nullable=False, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0, nullable=False)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)
    last_error: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Extra header lines of the message (``List-Unsubscribe`` of an alert, RFC 8058), name -> value.
    headers: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)
