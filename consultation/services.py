"""Consultation operations: open, enter on someone's behalf, reply, resolve, close, reopen, rate.

Each function checks who acts, validates, changes state through the state
machine, routes the work through the roster engine, writes audit entries and
outbox messages, and commits once.  Errors are ``ConsultationError`` with a
message for the user and the HTTP status a view should answer with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from consultation import attachments, people, states
from consultation.emails import notify_assignee, notify_received, notify_reply
from consultation.models import (
    ITEM_TYPE,
    SCORE_COLUMNS,
    CallBack,
    CallOutcome,
    Channel,
    ComplaintAbout,
    Letter,
    Message,
    Rating,
    RequestKind,
    Status,
    Ticket,
)
from consultation.permissions import can_answer, can_view, is_requester
from consultation.sla import current_clock, start_clocks
from core import audit, clock
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.extensions import db
from core.transactions import retry_on_conflict
from roster import engine
from roster.calendar import working_calendar

LETTER_AGE_LIMIT = timedelta(days=366)  # an older letter is history, not a request to answer


class ConsultationError(Invalid):
    """A request or reply that breaks a consultation rule."""


@dataclass
class RequestData:
    kind: RequestKind
    subject: str
    question: str
    catalog_item_id: int | None = None
    complaint_about: ComplaintAbout | None = None
    complaint_reference: str = ""
    files: list = field(default_factory=list)


@dataclass
class LetterData:
    """A request that came by post: the clocks start on the day the office received it."""

    received_on: date
    postal_address: str = ""
    reference: str = ""
    letter_date: date | None = None
    sender_organisation: str = ""


@dataclass
class DeskEntry:
    """How an operator records a request: the channel, a letter's details, and whether they handle it at once."""

    channel: Channel
    letter: LetterData | None = None
    handle_myself: bool = False
    over_quota_reason: str = ""
    in_person: bool = False  # at the operator's counter (visits): taken whatever the duty and quota


def _validate(data: RequestData) -> None:
    if not 3 <= len(data.subject.strip()) <= 200:
        raise ConsultationError(_("Give the request a subject of 3 to 200 characters."))
    if not 10 <= len(data.question.strip()) <= 10000:
        raise ConsultationError(_("Describe your question in 10 to 10,000 characters."))
    if data.kind is RequestKind.COMPLAINT and data.complaint_about is None:
        raise ConsultationError(_("Say what the complaint is about."))
    if data.catalog_item_id is not None and data.catalog_item_id <= 0:
        raise ConsultationError(_("That catalog item does not exist."))


def get_visible(user, number: str) -> Ticket | None:
    """The ticket with ``number`` if ``user`` may see it; ``None`` otherwise (answer 404)."""
    ticket = db.session.scalar(db.select(Ticket).where(Ticket.number == number))
    return ticket if ticket is not None and can_view(user, ticket) else None


@retry_on_conflict
def open_request(requester, data: RequestData) -> Ticket:
    """A consumer's own request from the website."""
    return _open(requester, data, Channel.WEB)


def _open(requester, data: RequestData, channel: Channel, entered_by=None, entry: DeskEntry | None = None) -> Ticket:
    """Record a request, start its SLA clocks, route it to an operator on duty (or queue it); commit.

    With ``entry.handle_myself`` the recording operator takes it at once instead (``entry.in_person``: the
    visitor is at their counter, so neither duty nor quota is asked).
    """
    _validate(data)
    files = _checked(data.files)
    now = clock.now()
    ticket = Ticket(kind=data.kind, channel=channel, subject=data.subject.strip(), question=data.question.strip(),
                    requester=requester, entered_by=entered_by, catalog_item_id=data.catalog_item_id,
                    complaint_about=data.complaint_about if data.kind is RequestKind.COMPLAINT else None,
                    complaint_reference=data.complaint_reference.strip()[:80], submitted_at=now)
    states.start(ticket, entered_by or requester)
    letter = entry.letter if entry is not None else None
    if letter is not None:
        ticket.letter = Letter(sender_organisation=letter.sender_organisation.strip()[:200],
                               postal_address=letter.postal_address.strip()[:500],
                               reference=letter.reference.strip()[:80], letter_date=letter.letter_date,
                               received_on=letter.received_on)
        ticket.received_at = min(_office_opening(letter.received_on), now)
    start_clocks(ticket, ticket.received_at or now)
    db.session.add(ticket)
    keys = attachments.store(ticket, files)
    try:
        db.session.flush()
        prefix = "ADU" if data.kind is RequestKind.COMPLAINT else "KNS"
        ticket.number = f"{prefix}-{now.year}-{ticket.id:06d}"
        audit.record("consultation.submitted", ticket, entered_by or requester, number=ticket.number,
                     channel=channel.value, requester=requester.email or requester.full_name)
        notify_received(ticket)
        work = engine.Routable(ITEM_TYPE, ticket.id, ticket.kind.value, _work_label(ticket), *current_clock(ticket))
        if entry is not None and entry.handle_myself:
            engine.submit_to_recorder(work, entered_by, entry.over_quota_reason, in_person=entry.in_person)
        else:
            engine.submit(work)
        db.session.commit()
    except Exception:
        db.session.rollback()
        attachments.discard(keys)
        raise
    return ticket


def _phone(ticket: Ticket) -> str:
    profile = ticket.requester.profile
    return profile.phone if profile is not None else ""


@retry_on_conflict
def record_call(actor, ticket: Ticket, callback_id: int, outcome: CallOutcome, note: str = "") -> CallBack:
    """Staff record the call-back to a phone-only requester: reached, no answer (call again), wrong number."""
    if not can_answer(actor, ticket):
        raise Forbidden(_("Only the operator handling this request or a supervisor records its calls."))
    callback = next((c for c in ticket.callbacks if c.id == callback_id), None)
    if callback is None:
        raise NotFound(_("That call-back does not exist."))
    if callback.called_at is not None and callback.outcome is not CallOutcome.NO_ANSWER:
        raise Conflict(_("This call is already recorded."))
    callback.called_at, callback.outcome, callback.called_by_id = clock.now(), outcome, actor.id
    callback.note = (note or "").strip()[:500]
    if outcome is CallOutcome.NO_ANSWER:  # a new call-back waits
        ticket.callbacks.append(CallBack(message_id=callback.message_id, phone=callback.phone, created_at=clock.now()))
    audit.record("consultation.called_back", ticket, actor, number=ticket.number, outcome=outcome.value)
    db.session.commit()
    return callback


def _work_label(ticket: Ticket) -> str:
    """What the work lists show and search: the number and the subject."""
    return f"{ticket.number} · {ticket.subject}"[:120]


def work_details(item_ids: list[str]):
    """Roster work-list details of tickets (one query): subject, requester, channel, link, when it came in."""
    from flask import url_for

    from roster.worklist import WorkDetails

    tickets = db.session.scalars(sa.select(Ticket).options(sa.orm.selectinload(Ticket.callbacks))
                                 .where(Ticket.id.in_([int(i) for i in item_ids]))).unique()
    found = {}
    for ticket in tickets:
        requester = ticket.requester.full_name
        if ticket.requester.profile is not None and ticket.requester.profile.institution:
            requester += f" ({ticket.requester.profile.institution})"
        subject = ticket.subject
        if any(callback.called_at is None for callback in ticket.callbacks):
            subject = _("%(subject)s (call back %(phone)s)", subject=subject, phone=_phone(ticket))
        found[str(ticket.id)] = WorkDetails(subject, requester, ticket.channel.label,
                                            url_for("consultation.detail", number=ticket.number),
                                            ticket.received_at or ticket.submitted_at)
    return found


def _office_opening(day: date) -> datetime:
    """The first instant the office is open on ``day`` or after it (a letter received on a closed day counts
    from the next opening)."""
    calendar = working_calendar()
    return calendar.add_working_time(datetime.combine(day, time(0), calendar.zone), timedelta())


def _check_letter(letter: LetterData | None) -> None:
    if letter is None or letter.received_on is None:
        raise ConsultationError(_("Give the date the letter was received."))
    today = working_calendar().local(clock.now()).date()
    if letter.received_on > today:
        raise ConsultationError(_("The date received cannot be in the future."))
    if letter.received_on < today - LETTER_AGE_LIMIT:
        raise ConsultationError(_("The date received is more than a year ago; record such a letter as history."))
    if letter.letter_date is not None and letter.letter_date > letter.received_on:
        raise ConsultationError(_("The letter cannot be dated after the day it was received."))
    if len(letter.postal_address.strip()) > 500 or len(letter.reference.strip()) > 80:
        raise ConsultationError(_("The postal address is at most 500 characters, the letter number at most 80."))


@retry_on_conflict
def enter_on_behalf(operator, person: people.PersonData, data: RequestData, channel: Channel | DeskEntry) -> Ticket:
    """An operator records a request that came by phone, letter, walk-in or e-mail.

    A letter needs its date received (the clocks start at the office's opening that day) and may come from
    someone with neither e-mail nor phone when it gives a postal address.  With ``handle_myself`` the
    recording operator takes it at once (on duty; over quota only with a reason).
    """
    entry = channel if isinstance(channel, DeskEntry) else DeskEntry(channel)
    if not operator.has_role("operator"):
        raise Forbidden(_("Only operators enter requests for others."))
    if entry.channel is Channel.WEB:
        raise ConsultationError(_("Choose how the request reached us."))
    if entry.channel is Channel.LETTER:
        _check_letter(entry.letter)
    else:
        entry.letter = None
    by_post = entry.letter is not None and bool(entry.letter.postal_address.strip())
    try:
        requester = people.find_or_create(person, operator, by_post=by_post)
    except people.PersonError as exc:
        raise ConsultationError(exc.message) from exc
    return _open(requester, data, entry.channel, entered_by=operator, entry=entry)


def open_at_counter(operator, person: people.PersonData, data: RequestData) -> Ticket:
    """A visitor served at a counter: a walk-in request entered and taken by the serving operator; commits.

    Not retried here: the visit being served is changed in the same transaction, and
    its service (``visits.services.serve``) retries the whole operation.
    """
    if not operator.has_role("operator"):
        raise Forbidden(_("Only operators enter requests for others."))
    try:
        requester = people.find_or_create(person, operator)
    except people.PersonError as exc:
        raise ConsultationError(exc.message) from exc
    return _open(requester, data, Channel.WALK_IN, entered_by=operator,
                 entry=DeskEntry(Channel.WALK_IN, handle_myself=True, in_person=True))


@retry_on_conflict
def reply(actor, ticket: Ticket, body: str, files=None, ask_consumer: bool = False) -> Message:
    """Add a message.  Staff answer (or ask the consumer); the consumer's reply hands it back to staff."""
    body = (body or "").strip()
    if not 1 <= len(body) <= 10000:
        raise ConsultationError(_("Write a message of at most 10,000 characters."))
    staff = can_answer(actor, ticket) and not is_requester(actor, ticket)
    if not staff and not is_requester(actor, ticket):
        raise Forbidden(_("Only the operator handling this request can answer it."))
    if ticket.status not in states.OPEN:
        raise Conflict(_("This request is finished; reopen it to write again."))
    checked = _checked(files)
    message = Message(author=actor, body=body, from_staff=staff, created_at=clock.now())
    ticket.messages.append(message)
    keys = attachments.store(ticket, checked, message)
    try:
        _after_reply(actor, ticket, message, staff, ask_consumer)
        db.session.commit()
    except Exception:
        db.session.rollback()
        attachments.discard(keys)
        raise
    return message


def _after_reply(actor, ticket: Ticket, message: Message, staff: bool, ask_consumer: bool) -> None:
    if staff:
        ticket.first_response_at = ticket.first_response_at or message.created_at
        target = Status.WAITING if ask_consumer else Status.ANSWERED
        if ticket.status is not target:
            states.move(ticket, target, actor, notify=False)
    elif ticket.status in (Status.ANSWERED, Status.WAITING) and ticket.assignee_id is not None:
        states.move(ticket, Status.ASSIGNED, actor, notify=False)  # the consumer's turn is over
    audit.record("consultation.message", ticket, actor, number=ticket.number, staff=staff)
    db.session.flush()
    if staff and not ticket.requester.email and _phone(ticket):
        ticket.callbacks.append(CallBack(message_id=message.id, phone=_phone(ticket), created_at=clock.now()))
    if staff:
        notify_reply(ticket, message)
    elif ticket.assignee is not None:
        notify_assignee(ticket)


@retry_on_conflict
def resolve(actor, ticket: Ticket, note: str = "") -> None:
    """Mark the request resolved (staff handling it, or the consumer); the operator's load falls."""
    _finish(actor, ticket, Status.RESOLVED, note,
            _("Only the operator handling this request or its requester can resolve it."))


@retry_on_conflict
def close(actor, ticket: Ticket, note: str = "") -> None:
    """Close the request (the consumer withdraws it, or staff close it after resolution)."""
    _finish(actor, ticket, Status.CLOSED, note,
            _("Only the operator handling this request or its requester can close it."))


def _finish(actor, ticket: Ticket, to: Status, note: str, refusal: str) -> None:
    """Move the ticket to ``to`` for its operator or requester (else ``refusal``, 403) and free the operator."""
    if not (can_answer(actor, ticket) or is_requester(actor, ticket)):
        raise Forbidden(refusal)
    _move(ticket, to, actor, note)
    engine.release(ITEM_TYPE, ticket.id)
    db.session.commit()


@retry_on_conflict
def reopen(actor, ticket: Ticket, note: str = "") -> None:
    """The consumer (or a supervisor) reopens a finished request: new clocks, routed again."""
    if not (is_requester(actor, ticket) or actor.has_role("supervisor")):
        raise Forbidden(_("Only the requester can reopen this request."))
    _move(ticket, Status.REOPENED, actor, note)
    ticket.round += 1
    ticket.first_response_at = ticket.resolved_at = ticket.closed_at = None
    ticket.assignee_id = None
    start_clocks(ticket, clock.now())
    db.session.flush()
    engine.submit(engine.Routable(ITEM_TYPE, ticket.id, ticket.kind.value, _work_label(ticket),
                                  *current_clock(ticket)))
    db.session.commit()


@retry_on_conflict
def rate(actor, ticket: Ticket, scores: dict[str, int], comment: str = "") -> Rating:
    """The requester answers the nine-element survey once, after resolution; a resolved request then closes."""
    if not is_requester(actor, ticket):
        raise Forbidden(_("Only the requester can rate this service."))
    if ticket.status not in (Status.RESOLVED, Status.CLOSED) or ticket.resolved_at is None:
        raise Conflict(_("A request can be rated once it is resolved."))
    if ticket.rating is not None:
        raise Conflict(_("You have already rated this request."))
    if set(scores) != set(SCORE_COLUMNS) or not all(isinstance(v, int) and 1 <= v <= 4 for v in scores.values()):
        raise ConsultationError(_("Answer every question with a score from 1 to 4."))
    rating = Rating(rater_id=actor.id, comment=(comment or "").strip()[:2000], created_at=clock.now(), **scores)
    ticket.rating = rating
    audit.record("consultation.rated", ticket, actor, number=ticket.number, scores=list(scores.values()))
    if ticket.status is Status.RESOLVED:
        states.move(ticket, Status.CLOSED, actor, note=_("Thank you for your rating."))
    db.session.commit()
    return rating


def on_work_assigned(item, decision, actor=None) -> None:
    """Roster owner handler: a consultation got an operator (new, from the queue, or reassigned)."""
    ticket = db.session.get(Ticket, int(item.item_id))
    if ticket is None:
        return
    ticket.assignee_id = item.assignee_id
    db.session.flush()
    db.session.refresh(ticket, ["assignee"])
    if ticket.status in (Status.SUBMITTED, Status.REOPENED):
        states.move(ticket, Status.ASSIGNED, actor, note=ticket.assignee.full_name if ticket.assignee else "")
    else:
        audit.record("consultation.reassigned", ticket, actor, number=ticket.number,
                     to=ticket.assignee.email if ticket.assignee else "")
    notify_assignee(ticket)


def _move(ticket: Ticket, to: Status, actor, note: str) -> None:
    """Apply the ticket's transition table; a refused move is the one ``TransitionError`` (409, nothing changed)."""
    states.move(ticket, to, actor, note=note)


def _checked(files):
    return attachments.check_files(files)


def work_item(ticket: Ticket):
    """The roster's work item routing this ticket."""
    return engine.work_item_for(ITEM_TYPE, ticket.id)
