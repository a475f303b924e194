"""The messages consultation writes to the outbox."""

from __future__ import annotations

import sqlalchemy as sa

from accounts.models import Role, User, UserRole
from consultation.models import Ticket
from core.extensions import db
from core.outbox import queue_email


def _link(ticket: Ticket) -> str:
    """The request page's path; built without ``url_for`` because sweeps run outside requests."""
    return f"/consultations/{ticket.number}"


def _to_consumer(ticket: Ticket, template: str, **context) -> None:
    requester = ticket.requester
    if requester is None or not requester.email:  # recorded from a phone call: no e-mail to write to
        return
    queue_email(requester.email, f"consultation/email/{template}", locale=requester.locale, ticket=ticket,
                link=_link(ticket), name=requester.full_name, **context)


def notify_received(ticket: Ticket) -> None:
    _to_consumer(ticket, "received")


def notify_status(ticket: Ticket, note: str = "") -> None:
    _to_consumer(ticket, "status", note=note)


def notify_reply(ticket: Ticket, message) -> None:
    _to_consumer(ticket, "reply", message=message)


def notify_assignee(ticket: Ticket) -> None:
    operator = ticket.assignee
    if operator is not None and operator.email:
        queue_email(operator.email, "consultation/email/assigned", locale=operator.locale, ticket=ticket,
                    link=_link(ticket), name=operator.full_name)


def supervisors() -> list[User]:
    return db.session.scalars(sa.select(User).join(UserRole).where(
        UserRole.role == Role.SUPERVISOR, User.active.is_(True), User.email.is_not(None))).all()


def notify_reminder(ticket: Ticket, recipient: User, clock: str, stage: str, due_at) -> None:
    queue_email(recipient.email, "consultation/email/reminder", locale=recipient.locale, ticket=ticket,
                link=_link(ticket), name=recipient.full_name, clock=clock, stage=stage, due_at=due_at)


def notify_escalation(ticket: Ticket, supervisor: User, clock: str, due_at) -> None:
    queue_email(supervisor.email, "consultation/email/escalation", locale=supervisor.locale, ticket=ticket,
                link=_link(ticket), name=supervisor.full_name, clock=clock, due_at=due_at)
