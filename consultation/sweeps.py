"""Reminders at 75 % of each SLA clock and at breach, escalation to supervisors at breach.

Idempotent and safe in several processes at once: each reminder is recorded in
``SentReminder`` under a unique key in the same transaction as its e-mail, so
a second sweep (or a simultaneous one) finds the row, or fails to insert it and
rolls its e-mail back.
"""

from __future__ import annotations

import sqlalchemy as sa

from consultation.emails import notify_escalation, notify_reminder, supervisors
from consultation.models import SentReminder, Status, Ticket
from core import clock
from core.extensions import db
from core.transactions import commit_once

BATCH = 500
NOT_ANSWERED = (Status.SUBMITTED, Status.ASSIGNED, Status.REOPENED)
NOT_RESOLVED = (Status.SUBMITTED, Status.ASSIGNED, Status.ANSWERED, Status.REOPENED)  # paused while WAITING

# (clock, stage, the instant that triggers it, the condition that the clock still runs)
STEPS = (
    ("response", "warning", Ticket.response_warn_at, Ticket.status.in_(NOT_ANSWERED)),
    ("response", "breach", Ticket.response_due_at, Ticket.status.in_(NOT_ANSWERED)),
    ("response", "escalation", Ticket.response_due_at, Ticket.status.in_(NOT_ANSWERED)),
    ("resolution", "warning", Ticket.resolution_warn_at, Ticket.status.in_(NOT_RESOLVED)),
    ("resolution", "breach", Ticket.resolution_due_at, Ticket.status.in_(NOT_RESOLVED)),
    ("resolution", "escalation", Ticket.resolution_due_at, Ticket.status.in_(NOT_RESOLVED)),
)


def run_sweep() -> dict[str, int]:
    """Send every reminder and escalation that is due and not yet sent; return counts per stage."""
    counts = {"warning": 0, "breach": 0, "escalation": 0}
    now = clock.now()
    for clock_name, stage, trigger, running in STEPS:
        already = sa.select(SentReminder.id).where(
            SentReminder.ticket_id == Ticket.id, SentReminder.round == Ticket.round,
            SentReminder.sla_clock == clock_name, SentReminder.stage == stage)
        due = db.session.scalars(sa.select(Ticket.id).where(trigger <= now, running, ~sa.exists(already))
                                 .order_by(Ticket.id).limit(BATCH)).all()
        for ticket_id in due:
            counts[stage] += _send_once(ticket_id, clock_name, stage)
    return counts


def _send_once(ticket_id: int, clock_name: str, stage: str) -> int:
    ticket = db.session.get(Ticket, ticket_id)
    due_at = ticket.response_due_at if clock_name == "response" else ticket.resolution_due_at

    def send() -> None:
        if stage == "escalation":
            for supervisor in supervisors():
                notify_escalation(ticket, supervisor, clock_name, due_at)
            return
        for recipient in [ticket.assignee] if ticket.assignee is not None else supervisors():
            if recipient.email:
                notify_reminder(ticket, recipient, clock_name, stage, due_at)

    return commit_once(SentReminder(ticket_id=ticket.id, round=ticket.round, sla_clock=clock_name, stage=stage,
                                    sent_at=clock.now()), send)
