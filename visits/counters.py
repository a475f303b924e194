"""Counter operations: sign in for the services on duty, call next, recall, no-show, transfer, serve, finish;
the survey on the counter's tablet.

The counter row is locked (one call at a time per counter); the chosen visit is
then locked ``SKIP LOCKED`` and read again, so two counters never call the same
visitor: the second one takes the next.  Locks follow ``visits.services``' order:
service day, counter, visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from itsdangerous import BadSignature

from accounts.models import User
from consultation import services as consultation
from consultation.models import ComplaintAbout, Status, Ticket
from consultation.people import PersonData
from core import audit, clock
from core.errors import Conflict, Forbidden, NotFound
from core.extensions import db
from core.locks import locked, take_writer_lock
from core.transactions import retry_on_conflict
from roster.duty import on_duty
from visits import offer, queue
from visits.models import Counter, Visit, VisitStatus
from visits.notify import queue_notice
from visits.services import AT_COUNTER, VisitError, locked_visit, serializer

SURVEY_MINUTES = 30  # the counter's tablet offers the survey of a visit finished this recently


def tablet_token(counter: Counter) -> str:
    return serializer("tablet").dumps(counter.id)


def counter_from_tablet_token(token: str) -> Counter:
    try:
        counter_id = serializer("tablet").loads(token)
    except BadSignature as exc:
        raise NotFound(_("This tablet link is not valid.")) from exc
    counter = db.session.get(Counter, int(counter_id))
    if counter is None:
        raise NotFound(_("This tablet link is not valid."))
    return counter


# --- counters -----------------------------------------------------------------------------------------------

def services_on_duty(operator) -> list[str]:
    """The counter services ``operator`` may serve now: those whose roster kind their current shift lists."""
    turn = on_duty(clock.now()).get(operator.id)
    if turn is None:
        return []
    return [service.code for service in offer.SERVICES if service.roster_kind in turn.kinds]


def _locked_counter(counter_id: int) -> Counter:
    counter = db.session.scalars(locked(sa.select(Counter).where(Counter.id == counter_id), of=Counter)).first()
    if counter is None:
        raise NotFound(_("This counter does not exist."))
    return counter


def _my_counter(operator, counter_id: int) -> Counter:
    counter = _locked_counter(counter_id)
    if counter.operator_id != operator.id:
        raise Forbidden(_("Sign in to this counter first."))
    return counter


@retry_on_conflict
def add_counter(supervisor, name: str) -> Counter:
    if not supervisor.has_role("supervisor"):
        raise Forbidden(_("Only supervisors set up counters."))
    name = (name or "").strip()
    if not 1 <= len(name) <= 40:
        raise VisitError(_("Give the counter a name of at most 40 characters."))
    if db.session.scalar(sa.select(Counter.id).where(Counter.name == name)) is not None:
        raise Conflict(_("A counter with this name exists."))
    counter = Counter(name=name)
    db.session.add(counter)
    db.session.flush()
    audit.record("visit.counter_added", counter, supervisor, name=name)
    db.session.commit()
    return counter


@retry_on_conflict
def sign_in(operator, counter_id: int, services: list[str] | None = None) -> Counter:
    """Take a counter for the services the duty roster gives ``operator`` now (or some of them).  Commits."""
    if not operator.has_role("operator"):
        raise Forbidden(_("Only operators serve at a counter."))
    allowed = services_on_duty(operator)
    chosen = [code for code in (services or allowed) if code in allowed]
    if not chosen:
        raise VisitError(_("The duty roster gives you no counter service now."))
    take_writer_lock()
    others = db.session.scalars(locked(sa.select(Counter).where(Counter.operator_id == operator.id,
                                                                Counter.id != counter_id), of=Counter)).all()
    counter = _locked_counter(counter_id)
    if counter.operator_id not in (None, operator.id):
        raise Conflict(_("%(name)s is signed in to this counter.", name=counter.operator.full_name))
    for other in others:
        other.operator_id, other.services, other.signed_in_at = None, "", None
    counter.operator_id, counter.services, counter.signed_in_at = operator.id, ",".join(chosen), clock.now()
    counter.booked_streak = 0
    audit.record("visit.counter_signed_in", counter, operator, services=chosen)
    db.session.commit()
    return counter


@retry_on_conflict
def sign_out(operator, counter_id: int) -> None:
    counter = _my_counter(operator, counter_id)
    if current_visit(counter) is not None:
        raise Conflict(_("Finish with the visitor at the counter first."))
    counter.operator_id, counter.services, counter.signed_in_at = None, "", None
    audit.record("visit.counter_signed_out", counter, operator)
    db.session.commit()


def current_visit(counter: Counter) -> Visit | None:
    return db.session.scalar(sa.select(Visit).where(Visit.counter_id == counter.id, Visit.status.in_(AT_COUNTER))
                             .order_by(Visit.id.desc()).limit(1))


def _waiting(services: list[str], day) -> list[Visit]:
    return db.session.scalars(sa.select(Visit).where(
        Visit.status == VisitStatus.WAITING, Visit.service.in_(services), Visit.day == day)
        .order_by(Visit.queued_at, Visit.id).limit(500)).all()


def _as_waiting(visit: Visit) -> queue.Waiting:
    return queue.Waiting(visit.id, visit.queued_at, visit.slot_start)


@retry_on_conflict
def call_next(operator, counter_id: int) -> Visit | None:
    """Call the next visitor by the queue rule to this counter; ``None`` when nobody waits.  Commits."""
    counter = _my_counter(operator, counter_id)
    if current_visit(counter) is not None:
        raise Conflict(_("Finish with the visitor at the counter, or mark them as not come, first."))
    now = clock.now()
    rule = offer.policy().booked_in_a_row
    skipped: set[int] = set()
    for _attempt in range(50):
        waiting = [_as_waiting(v) for v in _waiting(counter.service_list, offer.office_day(now)) if v.id not in skipped]
        chosen, streak = queue.choose(waiting, now, rule, counter.booked_streak)
        if chosen is None:
            db.session.commit()
            return None
        query = sa.select(Visit).where(Visit.id == chosen.id)
        visit = db.session.scalars(locked(query, skip_locked=True, of=Visit)).first()
        if visit is None or visit.status is not VisitStatus.WAITING:
            skipped.add(chosen.id)  # another counter is calling them right now
            continue
        visit.status, visit.called_at, visit.calls = VisitStatus.CALLED, now, 1
        visit.counter_id, visit.operator_id = counter.id, operator.id
        counter.booked_streak = streak
        audit.record("visit.called", visit, operator, ticket=visit.ticket_label, counter=counter.name)
        _announce(visit, counter)
        _three_away(counter, now, rule, streak, skipped | {visit.id})
        db.session.commit()
        return visit
    raise Conflict(_("The queue is busy; try again."))


def _announce(visit: Visit, counter: Counter) -> None:
    from visits.texts import notice_text

    queue_notice(visit, "called", lambda: notice_text("called", visit, counter=counter.name), round=visit.calls)


def _three_away(counter: Counter, now: datetime, rule, streak: int, exclude: set[int]) -> None:
    """Tell the visitor who is now third in this counter's line (once)."""
    from visits.texts import notice_text

    waiting = [v for v in _waiting(counter.service_list, offer.office_day(now)) if v.id not in exclude]
    order = queue.upcoming([_as_waiting(v) for v in waiting], now, rule, streak, 3)
    if len(order) == 3:
        third = next(v for v in waiting if v.id == order[2].id)
        queue_notice(third, "three_away", lambda: notice_text("three_away", third))


def _at_counter(operator, counter_id: int, statuses=AT_COUNTER) -> tuple[Counter, Visit]:
    counter = _my_counter(operator, counter_id)
    visit = current_visit(counter)
    if visit is None or visit.status not in statuses:
        raise Conflict(_("Nobody is at this counter now."))
    return counter, locked_visit(visit.id)


@retry_on_conflict
def recall(operator, counter_id: int) -> Visit:
    counter, visit = _at_counter(operator, counter_id, (VisitStatus.CALLED,))
    visit.calls += 1
    visit.called_at = clock.now()
    audit.record("visit.recalled", visit, operator, ticket=visit.ticket_label, calls=visit.calls)
    _announce(visit, counter)
    db.session.commit()
    return visit


@retry_on_conflict
def no_show(operator, counter_id: int) -> Visit:
    _counter, visit = _at_counter(operator, counter_id, (VisitStatus.CALLED,))
    visit.status, visit.done_at = VisitStatus.NO_SHOW, clock.now()
    audit.record("visit.no_show", visit, operator, ticket=visit.ticket_label)
    db.session.commit()
    return visit


@retry_on_conflict
def transfer(operator, counter_id: int, service: str) -> Visit:
    """Send the visitor to another service's queue, keeping their ticket and their place by arrival."""
    if offer.service(service) is None:
        raise VisitError(_("Choose a service."))
    _counter, visit = _at_counter(operator, counter_id)
    if service == visit.service:
        raise VisitError(_("The visitor is already in this service's queue."))
    if visit.request_id is not None:
        raise Conflict(_("A request is open for this visit; finish it here."))
    previous = visit.service
    visit.service, visit.status, visit.counter_id, visit.operator_id = service, VisitStatus.WAITING, None, None
    visit.called_at, visit.calls = None, 0
    audit.record("visit.transferred", visit, operator, ticket=visit.ticket_label, previous=previous, to=service)
    db.session.commit()
    return visit


@dataclass
class ServeData:
    full_name: str
    phone: str = ""
    email: str = ""
    subject: str = ""
    question: str = ""


@retry_on_conflict
def serve(operator, counter_id: int, data: ServeData) -> Visit:
    """The called visitor is at the counter: their request opens (channel walk-in, taken by ``operator``).

    The visit moves to "serving" in the transaction that records the request
    (``consultation.services.open_at_counter`` commits both); a second small commit
    links the visit to the request's id.  A visit that already has a request
    continues it.
    """
    _counter, visit = _at_counter(operator, counter_id, (VisitStatus.CALLED,))
    visit.status, visit.served_at = VisitStatus.SERVING, clock.now()
    audit.record("visit.serving", visit, operator, ticket=visit.ticket_label)
    if visit.request_id is not None:
        db.session.commit()
        return visit
    service = offer.service(visit.service)
    user = db.session.get(User, visit.user_id) if visit.user_id else None
    person = PersonData(full_name=(data.full_name or visit.full_name).strip(),
                        email=(data.email or visit.email or (user.email if user and user.email else "")).strip(),
                        phone=(data.phone or visit.phone).strip())
    subject = (data.subject or "").strip() or f"{service.label} · {visit.ticket_label}"
    question = (data.question or "").strip() or visit.note or _(
        "Visit to the service office on %(day)s (ticket %(ticket)s).", day=visit.day.strftime("%d-%m-%Y"),
        ticket=visit.ticket_label)
    request = consultation.RequestData(
        kind=service.request_kind, subject=subject[:200], question=question,
        complaint_about=ComplaintAbout.SERVICE if service.request_kind.value == "complaint" else None,
        complaint_reference=visit.code)
    visit_id = visit.id
    ticket = consultation.open_at_counter(operator, person, request)
    visit = db.session.get(Visit, visit_id)
    visit.request_id = ticket.id
    if user is None and visit.user_id is None:
        visit.user_id = ticket.requester_id
    db.session.commit()
    return visit


@retry_on_conflict
def finish(operator, counter_id: int, summary: str = "", resolved: bool = True) -> Visit:
    """The visitor leaves the counter: the visit is done; the counter's summary answers the request and,
    when ``resolved``, resolves it, so the tablet can ask for the rating.  Commits."""
    _counter, visit = _at_counter(operator, counter_id, (VisitStatus.SERVING,))
    summary = (summary or "").strip()
    if len(summary) > 10000:
        raise VisitError(_("Write a summary of at most 10,000 characters."))
    visit.status, visit.done_at = VisitStatus.DONE, clock.now()
    audit.record("visit.done", visit, operator, ticket=visit.ticket_label)
    db.session.commit()
    ticket = db.session.get(Ticket, visit.request_id) if visit.request_id else None
    if ticket is not None and ticket.status in (Status.ASSIGNED, Status.ANSWERED, Status.WAITING, Status.REOPENED):
        if summary:
            consultation.reply(operator, ticket, summary)
        if resolved:
            consultation.resolve(operator, ticket, _("Served at the counter."))
    return visit


# --- the survey on the counter's tablet ---------------------------------------------------------------------

def survey_visit(counter: Counter) -> Visit | None:
    """The visit just finished at ``counter`` whose request waits for its rating, if any."""
    since = clock.now() - timedelta(minutes=SURVEY_MINUTES)
    visit = db.session.scalar(sa.select(Visit).where(
        Visit.counter_id == counter.id, Visit.status == VisitStatus.DONE, Visit.done_at >= since,
        Visit.request_id.is_not(None)).order_by(Visit.done_at.desc()).limit(1))
    if visit is None or visit.request is None:
        return None
    ticket = visit.request
    if ticket.rating is not None or ticket.resolved_at is None or ticket.status not in (Status.RESOLVED,
                                                                                          Status.CLOSED):
        return None
    return visit


def rate_visit(counter: Counter, visit_id: int, scores: dict[str, int], comment: str = ""):
    """The visitor rates the service on the counter's tablet: the request's rating, as its requester."""
    visit = survey_visit(counter)
    if visit is None or visit.id != visit_id:
        raise Conflict(_("This survey is no longer open."))
    ticket = visit.request
    return consultation.rate(ticket.requester, ticket, scores, comment)


