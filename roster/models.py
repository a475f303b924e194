"""The duty roster (piket), quotas, routable work items and the decision log.

*Piket* is the Indonesian word for a duty turn: the weekly pattern saying who
serves which kinds of request when.  A ``WorkItem`` is anything the engine
routes, keyed by ``(item_type, item_id)``: a consultation, an order's
fulfilment task.  Roster knows nothing else about it.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core import clock
from core.extensions import db
from core.models import TimestampMixin, UTCDateTime, enum_column

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def split_kinds(text: str) -> list[str]:
    return [kind for kind in (text or "").split(",") if kind]


class DutyShift(TimestampMixin, db.Model):
    """A weekly turn: on ``weekday`` (0 = Monday) from ``starts`` to ``ends`` (office time), serving ``kinds``."""

    __tablename__ = "roster_shift"

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"),
                                             nullable=False, index=True)
    weekday: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False, index=True)
    starts: Mapped[time] = mapped_column(sa.Time, nullable=False)
    ends: Mapped[time] = mapped_column(sa.Time, nullable=False)
    kinds: Mapped[str] = mapped_column(sa.String(255), nullable=False)  # comma-separated kind codes

    operator: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        sa.CheckConstraint("starts < ends", name="starts_before_ends"),
    )

    @property
    def kind_list(self) -> list[str]:
        return split_kinds(self.kinds)

    def label(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.starts:%H:%M}–{self.ends:%H:%M}"


class ExceptionKind(enum.Enum):
    LEAVE = "leave"  # off duty on these dates, whatever the weekly pattern says
    EXTRA = "extra"  # an extra shift on one date (also on a holiday)

    @property
    def label(self) -> str:
        return str(EXCEPTION_KIND_LABELS[self])


EXCEPTION_KIND_LABELS = {
    ExceptionKind.LEAVE: _l("Leave"),
    ExceptionKind.EXTRA: _l("Extra shift"),
}


class DutyException(TimestampMixin, db.Model):
    """Leave from ``first_day`` to ``last_day``, or an extra shift on ``first_day``."""

    __tablename__ = "roster_exception"

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"),
                                             nullable=False, index=True)
    kind: Mapped[ExceptionKind] = mapped_column(enum_column(ExceptionKind), nullable=False)
    first_day: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    last_day: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    starts: Mapped[time | None] = mapped_column(sa.Time)
    ends: Mapped[time | None] = mapped_column(sa.Time)
    kinds: Mapped[str] = mapped_column(sa.String(255), default="", nullable=False)
    note: Mapped[str] = mapped_column(sa.String(255), default="", nullable=False)
    # leave only: who takes the operator's open work while they are away (else the engine chooses)
    substitute_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    operator: Mapped[User] = relationship(foreign_keys=[operator_id], lazy="joined")
    substitute: Mapped[User | None] = relationship(foreign_keys=[substitute_id], lazy="joined")

    __table_args__ = (sa.CheckConstraint("first_day <= last_day", name="days_in_order"),)

    @property
    def kind_list(self) -> list[str]:
        return split_kinds(self.kinds)

    def label(self) -> str:
        if self.kind is ExceptionKind.LEAVE:
            return f"{self.first_day:%d-%m-%Y}–{self.last_day:%d-%m-%Y}"
        return f"{self.first_day:%d-%m-%Y} {self.starts:%H:%M}–{self.ends:%H:%M}"


class OfficeClosure(TimestampMixin, db.Model):
    """A day the office is closed beyond the public holidays (cuti bersama, a local event): no clock runs."""

    __tablename__ = "roster_closure"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, nullable=False, unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))


class Quota(db.Model):
    """At most ``max_open`` open items for an operator; for one kind when ``kind`` is set."""

    __tablename__ = "roster_quota"

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"),
                                             nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(32), default="", nullable=False)  # "" = all kinds together
    max_open: Mapped[int] = mapped_column(nullable=False)

    __table_args__ = (
        sa.UniqueConstraint("operator_id", "kind"),
        sa.CheckConstraint("max_open >= 0", name="max_open_not_negative"),
    )


class OperatorState(db.Model):
    """One row per rostered operator: the row the engine locks, their open load, when they last got work.

    ``open_items`` is kept by the engine under the row lock (assign +1, release −1),
    so a decision reads loads without counting work items.
    """

    __tablename__ = "roster_operator_state"

    operator_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"),
                                             primary_key=True)
    open_items: Mapped[int] = mapped_column(default=0, nullable=False)
    last_assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assignments: Mapped[int] = mapped_column(default=0, nullable=False)


class WorkStatus(enum.Enum):
    QUEUED = "queued"
    ASSIGNED = "assigned"
    DONE = "done"

    @property
    def label(self) -> str:
        return str(WORK_STATUS_LABELS[self])


WORK_STATUS_LABELS = {
    WorkStatus.QUEUED: _l("In the queue"),
    WorkStatus.ASSIGNED: _l("Assigned"),
    WorkStatus.DONE: _l("Done"),
}


class WorkItem(db.Model):
    """A routable piece of work, keyed by ``item_type`` + ``item_id``; ``kind`` is the skill it needs."""

    __tablename__ = "roster_work_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_type: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    item_id: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    label: Mapped[str] = mapped_column(sa.String(120), default="", nullable=False)
    status: Mapped[WorkStatus] = mapped_column(enum_column(WorkStatus), nullable=False)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the item's running clock, kept by its owner (``engine.set_clock``): the next deadline and its warning,
    # none while the clock is paused (waiting for the consumer); ``escalated_at`` once the breach went to the
    # supervisors (``roster.escalation``)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    warn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    assignee: Mapped[User | None] = relationship(lazy="selectin")

    __table_args__ = (
        sa.UniqueConstraint("item_type", "item_id"),
        sa.Index("ix_roster_work_item_load", "assignee_id", "status", "kind"),
        sa.Index("ix_roster_work_item_queue", "status", "queued_at"),
        sa.Index("ix_roster_work_item_due", "status", "due_at"),
    )

    def mark(self, now: datetime) -> str:
        """``escalated``, ``overdue``, ``due-soon`` or ``""`` for the lists."""
        if self.status is WorkStatus.DONE:
            return ""
        if self.escalated_at is not None:
            return "escalated"
        if self.due_at is not None and self.due_at <= now:
            return "overdue"
        if self.warn_at is not None and self.warn_at <= now:
            return "due-soon"
        return ""


class WorkReminder(db.Model):
    """A reminder sent about an item's deadline (``stage``: warning or breach); unique, so it goes once."""

    __tablename__ = "roster_reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_item_id: Mapped[int] = mapped_column(sa.ForeignKey("roster_work_item.id", ondelete="CASCADE"),
                                              nullable=False)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    stage: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (sa.UniqueConstraint("work_item_id", "due_at", "stage"),)


class DecisionOutcome(enum.Enum):
    ASSIGNED = "assigned"
    QUEUED = "queued"
    REASSIGNED = "reassigned"
    TAKEN = "taken"  # by the operator themselves, from the queue
    ESCALATED = "escalated"  # breached for longer than STATDESK_ESCALATE_AFTER: on the supervisors' list

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self])


OUTCOME_LABELS = {
    DecisionOutcome.ASSIGNED: _l("Assigned"),
    DecisionOutcome.QUEUED: _l("Queued"),
    DecisionOutcome.REASSIGNED: _l("Reassigned"),
    DecisionOutcome.TAKEN: _l("Taken"),
    DecisionOutcome.ESCALATED: _l("Escalated"),
}


class AssignmentDecision(db.Model):
    """What the engine (or a supervisor) decided about a work item, and why.

    ``reason`` holds the facts as data (``code`` plus numbers) so the sentence is
    written in the reader's language when shown.
    """

    __tablename__ = "roster_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_item_id: Mapped[int] = mapped_column(sa.ForeignKey("roster_work_item.id", ondelete="CASCADE"),
                                              nullable=False, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False, index=True)
    outcome: Mapped[DecisionOutcome] = mapped_column(enum_column(DecisionOutcome), nullable=False)
    operator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    reason: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)

    work_item: Mapped[WorkItem] = relationship(lazy="joined")
    operator: Mapped[User | None] = relationship(foreign_keys=[operator_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")
