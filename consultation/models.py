"""Consultation tickets and complaints, their messages, attachments, timeline, reminders and ratings."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core import clock
from core.extensions import db
from core.models import TimestampMixin, UTCDateTime, enum_column

ITEM_TYPE = "consultation"  # the roster's item type of a ticket


class RequestKind(enum.Enum):
    DATA = "data"
    METADATA = "metadata"
    CLASSIFICATION = "classification"
    COMPLAINT = "complaint"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {
    RequestKind.DATA: _l("Data consultation"),
    RequestKind.METADATA: _l("Metadata and statistical activities"),
    RequestKind.CLASSIFICATION: _l("Statistical classifications (KBLI/KBJI)"),
    RequestKind.COMPLAINT: _l("Complaint"),
}


class Channel(enum.Enum):
    WEB = "web"
    PHONE = "phone"
    LETTER = "letter"
    WALK_IN = "walk_in"
    EMAIL = "email"

    @property
    def label(self) -> str:
        return str(CHANNEL_LABELS[self])


CHANNEL_LABELS = {
    Channel.WEB: _l("Website"),
    Channel.PHONE: _l("Phone"),
    Channel.LETTER: _l("Letter"),
    Channel.WALK_IN: _l("Walk-in"),
    Channel.EMAIL: _l("E-mail"),
}


class ComplaintAbout(enum.Enum):
    ORDER = "order"
    CONSULTATION = "consultation"
    OPERATOR = "operator"
    SERVICE = "service"

    @property
    def label(self) -> str:
        return str(COMPLAINT_LABELS[self])


COMPLAINT_LABELS = {
    ComplaintAbout.ORDER: _l("An order"),
    ComplaintAbout.CONSULTATION: _l("A consultation"),
    ComplaintAbout.OPERATOR: _l("An operator"),
    ComplaintAbout.SERVICE: _l("The service in general"),
}


class Status(enum.Enum):
    SUBMITTED = "submitted"
    ASSIGNED = "assigned"
    ANSWERED = "answered"
    WAITING = "waiting_for_consumer"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    Status.SUBMITTED: _l("Submitted"),
    Status.ASSIGNED: _l("Assigned"),
    Status.ANSWERED: _l("Answered"),
    Status.WAITING: _l("Waiting for you"),
    Status.RESOLVED: _l("Resolved"),
    Status.CLOSED: _l("Closed"),
    Status.REOPENED: _l("Reopened"),
}
# The statuses in which a ticket still waits for someone: counted as open work and in the open-ticket reports.
OPEN_STATUSES = frozenset({Status.SUBMITTED, Status.ASSIGNED, Status.ANSWERED, Status.WAITING, Status.REOPENED})


class Ticket(TimestampMixin, db.Model):
    """A consultation or complaint.  ``round`` counts reopenings; SLA clocks restart with each round."""

    __tablename__ = "consultation_ticket"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    kind: Mapped[RequestKind] = mapped_column(enum_column(RequestKind), nullable=False, index=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel), nullable=False)
    status: Mapped[Status] = mapped_column(enum_column(Status), nullable=False, index=True)
    subject: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    question: Mapped[str] = mapped_column(sa.Text, nullable=False)
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), nullable=False, index=True)
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"),
                                                    index=True)
    catalog_item_id: Mapped[int | None] = mapped_column(sa.Integer)  # catalog item asked about, if any
    complaint_about: Mapped[ComplaintAbout | None] = mapped_column(enum_column(ComplaintAbout))
    complaint_reference: Mapped[str] = mapped_column(sa.String(80), default="", nullable=False)
    round: Mapped[int] = mapped_column(default=1, nullable=False)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_warn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    resolution_warn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # waiting for the consumer since
    # when the request reached the office, if before it was entered (a letter's date received): the clocks start then
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requester: Mapped[User] = relationship(foreign_keys=[requester_id], lazy="joined")
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id], lazy="joined")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="joined")
    messages: Mapped[list[Message]] = relationship(back_populates="ticket", order_by="Message.id",
                                                   cascade="all, delete-orphan")
    events: Mapped[list[StatusEvent]] = relationship(order_by="StatusEvent.id", cascade="all, delete-orphan")
    attachments: Mapped[list[Attachment]] = relationship(order_by="Attachment.id", cascade="all, delete-orphan")
    rating: Mapped[Rating | None] = relationship(back_populates="ticket", uselist=False,
                                                 cascade="all, delete-orphan")
    letter: Mapped[Letter | None] = relationship(back_populates="ticket", uselist=False,
                                                 cascade="all, delete-orphan")
    handling: Mapped[ComplaintHandling | None] = relationship(back_populates="ticket", uselist=False,
                                                              cascade="all, delete-orphan")
    notes: Mapped[list[InternalNote]] = relationship(order_by="InternalNote.id", cascade="all, delete-orphan")
    callbacks: Mapped[list[CallBack]] = relationship(order_by="CallBack.id", cascade="all, delete-orphan")

    @property
    def is_complaint(self) -> bool:
        return self.kind is RequestKind.COMPLAINT


class Letter(db.Model):
    """The letter a request came in: who sent it from where, its number and date, and when the office got it."""

    __tablename__ = "consultation_letter"

    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("consultation_ticket.id", ondelete="CASCADE"),
                                           primary_key=True)
    sender_organisation: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    postal_address: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    reference: Mapped[str] = mapped_column(sa.String(80), default="", nullable=False)  # the sender's letter number
    letter_date: Mapped[date | None] = mapped_column(sa.Date)
    received_on: Mapped[date] = mapped_column(sa.Date, nullable=False)

    ticket: Mapped[Ticket] = relationship(back_populates="letter")


class ComplaintCause(enum.Enum):
    """Why a complaint arose, as the operator found it: what the office learns from."""

    SLOW_SERVICE = "slow_service"
    WRONG_DATA = "wrong_data"
    UNCLEAR_INFORMATION = "unclear_information"
    STAFF_CONDUCT = "staff_conduct"
    SYSTEM_FAULT = "system_fault"
    PAYMENT = "payment"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(CAUSE_LABELS[self])


CAUSE_LABELS = {
    ComplaintCause.SLOW_SERVICE: _l("Slow service or no answer"),
    ComplaintCause.WRONG_DATA: _l("Wrong or inconsistent data"),
    ComplaintCause.UNCLEAR_INFORMATION: _l("Unclear or missing information"),
    ComplaintCause.STAFF_CONDUCT: _l("Conduct of staff"),
    ComplaintCause.SYSTEM_FAULT: _l("Website or system fault"),
    ComplaintCause.PAYMENT: _l("Invoice or payment"),
    ComplaintCause.OTHER: _l("Other cause"),
}


class ComplaintHandling(TimestampMixin, db.Model):
    """What the office found and did about a complaint, and what it promised the citizen by when."""

    __tablename__ = "consultation_complaint_handling"

    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("consultation_ticket.id", ondelete="CASCADE"),
                                           primary_key=True)
    cause: Mapped[ComplaintCause] = mapped_column(enum_column(ComplaintCause), nullable=False, index=True)
    corrective_action: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    referred_unit: Mapped[str] = mapped_column(sa.String(120), default="", nullable=False, index=True)
    follow_up_due: Mapped[date | None] = mapped_column(sa.Date)  # promised to the citizen
    followed_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when the citizen was told
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    ticket: Mapped[Ticket] = relationship(back_populates="handling")


class CallOutcome(enum.Enum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    WRONG_NUMBER = "wrong_number"

    @property
    def label(self) -> str:
        return str(CALL_OUTCOME_LABELS[self])


CALL_OUTCOME_LABELS = {
    CallOutcome.REACHED: _l("Reached: the answer was given by phone"),
    CallOutcome.NO_ANSWER: _l("No answer: call again"),
    CallOutcome.WRONG_NUMBER: _l("Wrong number"),
}


class CallBack(db.Model):
    """An answer to someone reachable only by phone: staff must call them back and record the call."""

    __tablename__ = "consultation_callback"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("consultation_ticket.id", ondelete="CASCADE"),
                                           nullable=False, index=True)
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("consultation_message.id", ondelete="SET NULL"))
    phone: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[CallOutcome | None] = mapped_column(enum_column(CallOutcome))
    note: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    called_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    called_by: Mapped[User | None] = relationship(lazy="joined")


class InternalNote(db.Model):
    """A staff-only note on a request: never shown to the requester."""

    __tablename__ = "consultation_internal_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("consultation_ticket.id", ondelete="CASCADE"),
                                           nullable=False, index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)

    author: Mapped[User | None] = relationship(lazy="joined")


class Message(db.Model):
    __tablename__ = "consultation_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("consultation_ticket.id", ondelete="CASCADE"),
                                           nullable=False, index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    from_staff: Mapped[bool] = mapped_column(default=False, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)

    ticket: Mapped[Ticket] = relationship(back_populates="messages")
    author: Mapped[User] = relationship(lazy="joined")
    attachments: Mapped[list[Attachment]] = relationship(back_populates="message", order_by="Attachment.id")


class Attachment(db.Model):
    """A file attached to the request (``message_id`` empty) or to a reply, kept in core storage."""

    __tablename__ = "consultation_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("consultation_ticket.id", ondelete="CASCADE"),
                                           nullable=False, index=True)
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("consultation_message.id", ondelete="CASCADE"))
    storage_key: Mapped[str] = mapped_column(sa.String(200), nullable=False, unique=True)
    filename: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    size: Mapped[int] = mapped_column(nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)

    message: Mapped[Message | None] = relationship(back_populates="attachments")


class StatusEvent(db.Model):
    """One step of the timeline: the status a ticket entered, when, by whom."""

    __tablename__ = "consultation_status_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("consultation_ticket.id", ondelete="CASCADE"),
                                           nullable=False, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)
    from_status: Mapped[Status | None] = mapped_column(enum_column(Status))
    to_status: Mapped[Status] = mapped_column(enum_column(Status), nullable=False)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.String(255), default="", nullable=False)

    actor: Mapped[User | None] = relationship(lazy="joined")


class SentReminder(db.Model):
    """A reminder or escalation already sent: the unique key makes each go out exactly once."""

    __tablename__ = "consultation_sent_reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("consultation_ticket.id", ondelete="CASCADE"),
                                           nullable=False)
    round: Mapped[int] = mapped_column(nullable=False)
    sla_clock: Mapped[str] = mapped_column(sa.String(16), nullable=False)  # response | resolution
    stage: Mapped[str] = mapped_column(sa.String(16), nullable=False)  # warning | breach | escalation
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)

    __table_args__ = (sa.UniqueConstraint("ticket_id", "round", "sla_clock", "stage"),)


SCORE_COLUMNS = ("requirements", "procedure", "completion_time", "cost", "product", "competence", "behaviour",
                 "complaint_handling", "facilities")


class Rating(db.Model):
    """The consumer's answers to the nine-element satisfaction survey (PermenPANRB 14/2017), 1–4 each."""

    __tablename__ = "consultation_rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("consultation_ticket.id", ondelete="CASCADE"),
                                           nullable=False, unique=True)
    rater_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), nullable=False)
    requirements: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)
    procedure: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)
    completion_time: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)
    cost: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)
    product: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)
    competence: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)
    behaviour: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)
    complaint_handling: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)
    facilities: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)
    comment: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)

    ticket: Mapped[Ticket] = relationship(back_populates="rating")

    __table_args__ = tuple(sa.CheckConstraint(f"{column} BETWEEN 1 AND 4", name=f"{column}_range")
                           for column in SCORE_COLUMNS)

    def scores(self) -> tuple[int, ...]:
        return tuple(getattr(self, column) for column in SCORE_COLUMNS)
