"""Visits to the service office: bookings, queue tickets, counters and the notices sent to phones.

One ``Visit`` row follows a person from booking (or a walk-in ticket) to the
end of service; when served it points at the consultation request that holds the
conversation, the clocks and the rating.  ``ServiceDay`` is the row locked to
number tickets and to count booked places of one service on one day.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from consultation.models import Ticket
from core import clock
from core.extensions import db
from core.models import TimestampMixin, UTCDateTime, enum_column


class Source(enum.Enum):
    BOOKING = "booking"
    WALK_IN = "walk_in"

    @property
    def label(self) -> str:
        return str(SOURCE_LABELS[self])


SOURCE_LABELS = {Source.BOOKING: _l("Booked"), Source.WALK_IN: _l("Walk-in")}


class VisitStatus(enum.Enum):
    BOOKED = "booked"  # a place in a slot, not yet at the office
    CANCELLED = "cancelled"
    WAITING = "waiting"  # checked in or given a ticket: in the queue
    CALLED = "called"  # called to a counter
    SERVING = "serving"  # at the counter
    DONE = "done"
    NO_SHOW = "no_show"  # called and did not come, or booked and never checked in

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    VisitStatus.BOOKED: _l("Booked"),
    VisitStatus.CANCELLED: _l("Cancelled"),
    VisitStatus.WAITING: _l("Waiting"),
    VisitStatus.CALLED: _l("Called"),
    VisitStatus.SERVING: _l("Being served"),
    VisitStatus.DONE: _l("Done"),
    VisitStatus.NO_SHOW: _l("Did not come"),
}


class ServiceDay(db.Model):
    """One service on one office day: the last ticket number issued.  Locked to number and to book."""

    __tablename__ = "visit_service_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    service: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    day: Mapped[date] = mapped_column(sa.Date, nullable=False)
    last_number: Mapped[int] = mapped_column(default=0, nullable=False)

    __table_args__ = (sa.UniqueConstraint("service", "day"),)


class Counter(TimestampMixin, db.Model):
    """A counter (loket) of the office; an operator signs in to it for the services they serve."""

    __tablename__ = "visit_counter"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40), nullable=False, unique=True)
    operator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    services: Mapped[str] = mapped_column(sa.String(255), default="", nullable=False)  # comma-separated codes
    signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    booked_streak: Mapped[int] = mapped_column(default=0, nullable=False)  # booked calls since the last walk-in

    operator: Mapped[User | None] = relationship(lazy="joined")

    @property
    def service_list(self) -> list[str]:
        return [code for code in self.services.split(",") if code]


class Visit(TimestampMixin, db.Model):
    __tablename__ = "visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(12), nullable=False, unique=True)
    service: Mapped[str] = mapped_column(sa.String(16), nullable=False, index=True)
    day: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    slot_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source: Mapped[Source] = mapped_column(enum_column(Source), nullable=False)
    status: Mapped[VisitStatus] = mapped_column(enum_column(VisitStatus), nullable=False, index=True)
    full_name: Mapped[str] = mapped_column(sa.String(160), nullable=False)
    phone: Mapped[str] = mapped_column(sa.String(20), default="", nullable=False)
    email: Mapped[str] = mapped_column(sa.String(254), default="", nullable=False)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    note: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    locale: Mapped[str] = mapped_column(sa.String(5), default="id", nullable=False)
    series: Mapped[str | None] = mapped_column(sa.String(16))  # the service whose numbering issued the ticket
    ticket_number: Mapped[int | None] = mapped_column()
    ticket_label: Mapped[str | None] = mapped_column(sa.String(8))
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    served_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    calls: Mapped[int] = mapped_column(default=0, nullable=False)
    counter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visit_counter.id", ondelete="SET NULL"))
    operator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("consultation_ticket.id", ondelete="SET NULL"))

    counter: Mapped[Counter | None] = relationship(lazy="joined")
    request: Mapped[Ticket | None] = relationship(lazy="joined")

    __table_args__ = (sa.UniqueConstraint("series", "day", "ticket_number"),
                      sa.Index("ix_visit_queue", "status", "service", "queued_at"))

    @property
    def booked(self) -> bool:
        return self.source is Source.BOOKING


class Notice(db.Model):
    """A message sent to the visitor's phone; the unique key sends each reminder and "three away" once."""

    __tablename__ = "visit_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(16), nullable=False)  # confirmed | reminder | three_away | called
    round: Mapped[int] = mapped_column(default=0, nullable=False)
    text: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)

    __table_args__ = (sa.UniqueConstraint("visit_id", "kind", "round"),)
