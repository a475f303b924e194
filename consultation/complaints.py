"""Complaints that teach the office something: cause, corrective action, referral, a follow-up promised to
the citizen, and staff-only notes on any request.

The operator handling a complaint (or a supervisor) records what caused it, what the office does about it,
which unit it was referred to and by when the citizen will hear back; a message to the citizen goes out as
a normal answer on the request (so they receive it by e-mail and on the page, and the clock sees it).
Internal notes are for staff only.  The supervisors' complaints report counts by cause, unit and month and
measures the time to the first follow-up in working hours (``helpdesk.reports.complaints``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

from consultation.models import ComplaintCause, ComplaintHandling, InternalNote, RequestKind, Ticket
from consultation.permissions import can_answer, can_view
from core import audit, clock
from core.errors import Conflict, Forbidden, Invalid
from core.extensions import db
from core.transactions import retry_on_conflict
from roster.calendar import working_calendar

FOLLOW_UP_HORIZON = timedelta(days=366)


@dataclass
class HandlingData:
    cause: ComplaintCause | None
    corrective_action: str = ""
    referred_unit: str = ""
    follow_up_due: date | None = None
    message: str = ""  # to the citizen; sent as an answer on the request


def _staff(actor) -> bool:
    return actor.has_role("operator") or actor.has_role("supervisor")


@retry_on_conflict
def record_handling(actor, ticket: Ticket, data: HandlingData) -> ComplaintHandling:
    """Record (or update) how a complaint is handled; a message, if given, is answered to the citizen."""
    if ticket.kind is not RequestKind.COMPLAINT:
        raise Conflict(_("Only complaints have a cause and a corrective action."))
    if not can_answer(actor, ticket):
        raise Forbidden(_("Only the operator handling this complaint or a supervisor can record its handling."))
    if data.cause is None:
        raise Invalid(_("Choose the cause of the complaint."))
    if len(data.corrective_action.strip()) > 4000 or len(data.referred_unit.strip()) > 120:
        raise Invalid(_("The corrective action is at most 4,000 characters, the unit at most 120."))
    today = working_calendar().local(clock.now()).date()
    if data.follow_up_due is not None and not today <= data.follow_up_due <= today + FOLLOW_UP_HORIZON:
        raise Invalid(_("Promise the follow-up for a day from today to a year ahead."))
    message = data.message.strip()
    if message and not 10 <= len(message) <= 10000:
        raise Invalid(_("Write the citizen a message of 10 to 10,000 characters, or none."))
    handling = ticket.handling or ComplaintHandling(ticket=ticket)
    handling.cause, handling.handled_by_id = data.cause, actor.id
    handling.corrective_action = data.corrective_action.strip()
    handling.referred_unit = data.referred_unit.strip()
    handling.follow_up_due = data.follow_up_due
    if message:
        handling.followed_up_at = handling.followed_up_at or clock.now()
    db.session.add(handling)
    audit.record("consultation.complaint_handled", ticket, actor, number=ticket.number, cause=data.cause.value,
                 unit=handling.referred_unit, follow_up_due=data.follow_up_due.isoformat() if data.follow_up_due
                 else "", told=bool(message))
    db.session.commit()
    if message:
        from consultation.services import reply

        reply(actor, ticket, message)
    return handling


@retry_on_conflict
def add_note(actor, ticket: Ticket, body: str) -> InternalNote:
    """A staff-only note on the request (never shown to the requester)."""
    if not _staff(actor) or not can_view(actor, ticket) or ticket.requester_id == actor.id:
        raise Forbidden(_("Only staff write internal notes."))
    body = (body or "").strip()
    if not 2 <= len(body) <= 4000:
        raise Invalid(_("Write a note of 2 to 4,000 characters."))
    note = InternalNote(ticket_id=ticket.id, author_id=actor.id, body=body, created_at=clock.now())
    db.session.add(note)
    audit.record("consultation.note_added", ticket, actor, number=ticket.number)
    db.session.commit()
    return note
