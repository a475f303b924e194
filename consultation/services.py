"""Consultation operations: open, enter on someone's behalf, reply, resolve, close, reopen, rate.

Each function checks who acts, validates, changes state through the state
machine, routes the work through the roster engine, writes audit entries and
outbox messages, and commits once.  Errors are ``ConsultationError`` with a
message for the user and the HTTP status a view should answer with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from consultation import attachments, people, states
from consultation.emails import notify_assignee, notify_received, notify_reply
from consultation.models import SCORE_COLUMNS, Channel, ComplaintAbout, Message, Rating, RequestKind, Status, Ticket
from consultation.permissions import can_answer, can_view, is_requester
from consultation.sla import start_clocks
from core import audit, clock
from core.errors import Conflict, Forbidden, Invalid
from core.extensions import db
from core.transactions import retry_on_conflict
from roster import engine

ITEM_TYPE = "consultation"


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


def _open(requester, data: RequestData, channel: Channel, entered_by=None, taken_by=None) -> Ticket:
    """Record a request, start its SLA clocks, route it to an operator on duty (or queue it); commit.

    ``taken_by``: the operator serving the requester in person takes it at once instead.
    """
    _validate(data)
    files = _checked(data.files)
    now = clock.now()
    ticket = Ticket(kind=data.kind, channel=channel, subject=data.subject.strip(), question=data.question.strip(),
                    requester=requester, entered_by=entered_by, catalog_item_id=data.catalog_item_id,
                    complaint_about=data.complaint_about if data.kind is RequestKind.COMPLAINT else None,
                    complaint_reference=data.complaint_reference.strip()[:80], submitted_at=now)
    states.start(ticket, entered_by or requester)
    start_clocks(ticket, now)
    db.session.add(ticket)
    keys = attachments.store(ticket, files)
    try:
        db.session.flush()
        prefix = "ADU" if data.kind is RequestKind.COMPLAINT else "KNS"
        ticket.number = f"{prefix}-{now.year}-{ticket.id:06d}"
        audit.record("consultation.submitted", ticket, entered_by or requester, number=ticket.number,
                     channel=channel.value, requester=requester.email or requester.full_name)
        notify_received(ticket)
        routable = engine.Routable(ITEM_TYPE, ticket.id, ticket.kind.value, ticket.number)
        if taken_by is not None:
            engine.submit_taken(routable, taken_by)
        else:
            engine.submit(routable)
        db.session.commit()
    except Exception:
        db.session.rollback()
        attachments.discard(keys)
        raise
    return ticket


@retry_on_conflict
def enter_on_behalf(operator, person: people.PersonData, data: RequestData, channel: Channel) -> Ticket:
    """An operator records a request that came by phone, letter, walk-in or e-mail."""
    if not operator.has_role("operator"):
        raise Forbidden(_("Only operators enter requests for others."))
    if channel is Channel.WEB:
        raise ConsultationError(_("Choose how the request reached us."))
    try:
        requester = people.find_or_create(person, operator)
    except people.PersonError as exc:
        raise ConsultationError(exc.message) from exc
    return _open(requester, data, channel, entered_by=operator)


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
    return _open(requester, data, Channel.WALK_IN, entered_by=operator, taken_by=operator)


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
    engine.submit(engine.Routable(ITEM_TYPE, ticket.id, ticket.kind.value, ticket.number))
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
