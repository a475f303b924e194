"""Visit operations: book, change, cancel; check in and issue tickets; the reminder sweep.

The counters' operations are in ``visits.counters``.

Each function checks who acts, validates, changes rows under the locks its
decision depends on (``core.locks``) and commits once; errors are the
``core.errors`` family.  Locks, always in this order: the service-day row
(numbering and booked places), then the counter, then the visit.

* Ticket numbers: the ``ServiceDay`` row of the ticket's service and day is read
  ``FOR UPDATE`` and its ``last_number`` raised in the same transaction as the
  visit that takes it, so numbers are unique and gapless per service and day.
* Booked places: the same row is locked before the places of a slot are counted.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.dialects import postgresql, sqlite

from consultation.people import PersonError, normalise_phone
from core import audit, clock
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.extensions import db
from core.locks import locked, take_writer_lock
from core.outbox import queue_email
from core.transactions import retry_on_conflict
from visits import offer
from visits.models import Notice, ServiceDay, Source, Visit, VisitStatus
from visits.notify import queue_notice

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
HOLDS_A_PLACE = (VisitStatus.BOOKED, VisitStatus.WAITING, VisitStatus.CALLED, VisitStatus.SERVING,
                 VisitStatus.DONE, VisitStatus.NO_SHOW)
AT_COUNTER = (VisitStatus.CALLED, VisitStatus.SERVING)


class VisitError(Invalid):
    """A booking, ticket or counter action that breaks a visit rule."""


# --- tokens -------------------------------------------------------------------------------------------------

def serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"visits.{purpose}")


def token_for(visit: Visit) -> str:
    """The signed part of the visitor's change/cancel link (and of the QR code)."""
    return serializer("booking").dumps(visit.code)


def visit_from_token(token: str) -> Visit:
    try:
        code = serializer("booking").loads(token)
    except BadSignature as exc:
        raise NotFound(_("This visit link is not valid.")) from exc
    visit = by_code(code)
    if visit is None:
        raise NotFound(_("This visit link is not valid."))
    return visit


def by_code(code: str) -> Visit | None:
    code = (code or "").strip().upper().replace(" ", "")
    if not code or len(code) > 12:
        return None
    return db.session.scalar(sa.select(Visit).where(Visit.code == code))


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


# --- booking ------------------------------------------------------------------------------------------------

@dataclass
class BookingData:
    service: str
    slot_start: datetime | None  # UTC
    full_name: str = ""
    phone: str = ""
    email: str = ""
    note: str = ""
    locale: str = "id"


def _contact(user, data: BookingData) -> tuple[str, str, str]:
    """Name, normalised phone and e-mail for the booking (the signed-in person's by default)."""
    name = (data.full_name or (user.full_name if user else "")).strip()
    if not 2 <= len(name) <= 160:
        raise VisitError(_("Give your name (2 to 160 characters)."), errors={"full_name": [_("Give your name.")]})
    try:
        phone = normalise_phone(data.phone or "")
    except PersonError as exc:
        raise VisitError(exc.message, errors={"phone": [exc.message]}) from exc
    email = (data.email or (user.email if user and user.email else "")).strip().lower()
    if user is None and not phone:
        message = _("Give a phone number so that we can reach you.")
        raise VisitError(message, errors={"phone": [message]})
    if email and ("@" not in email or len(email) > 254):
        message = _("Enter a valid e-mail address.")
        raise VisitError(message, errors={"email": [message]})
    return name, phone, email


def _check_slot(code: str, slot_start: datetime | None) -> None:
    if offer.service(code) is None:
        raise VisitError(_("Choose a service."))
    if offer.capacity_of(code) <= 0:
        raise VisitError(_("This service takes no bookings; come in and take a ticket at reception."))
    if slot_start is None:
        raise VisitError(_("Choose a date and time."))
    day = offer.office_day(slot_start)
    if offer.is_closed(day):
        raise VisitError(offer.closure_reason(day))
    if slot_start not in offer.slots(day):
        raise VisitError(_("Choose one of the times offered."))
    if slot_start <= clock.now():
        raise VisitError(_("That time has passed; choose a later one."))
    if day > offer.office_day() + timedelta(days=offer.policy().booking_days):
        raise VisitError(_("Visits can be booked at most %(days)d days ahead.", days=offer.policy().booking_days))


def _service_day(code: str, day) -> ServiceDay:
    """The locked ``ServiceDay`` row of ``code`` on ``day`` (created if missing, safely under concurrency)."""
    table = ServiceDay.__table__
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    take_writer_lock()
    db.session.execute(dialect.insert(table).values(service=code, day=day, last_number=0)
                       .on_conflict_do_nothing(index_elements=[table.c.service, table.c.day]))
    return db.session.scalars(locked(sa.select(ServiceDay).where(ServiceDay.service == code,
                                                                 ServiceDay.day == day))).one()


def places_taken(code: str, slot_start: datetime) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Visit).where(
        Visit.service == code, Visit.slot_start == slot_start, Visit.status.in_(HOLDS_A_PLACE))) or 0


def free_places(code: str, day) -> dict[datetime, int]:
    """Slot start → places still free, for the booking page."""
    starts = [start for start in offer.slots(day) if start > clock.now()]
    if not starts:
        return {}
    rows = dict(db.session.execute(
        sa.select(Visit.slot_start, sa.func.count()).where(
            Visit.service == code, Visit.slot_start.in_(starts), Visit.status.in_(HOLDS_A_PLACE))
        .group_by(Visit.slot_start)).all())
    capacity = offer.capacity_of(code)
    return {start: max(capacity - rows.get(start, 0), 0) for start in starts}


def _hold_place(code: str, slot_start: datetime) -> None:
    _service_day(code, offer.office_day(slot_start))
    if places_taken(code, slot_start) >= offer.capacity_of(code):
        raise Conflict(_("This time is fully booked; choose another."))


@retry_on_conflict
def book(user, data: BookingData) -> Visit:
    """Book a place in a slot for a service; the confirmation goes by e-mail and phone.  Commits."""
    _check_slot(data.service, data.slot_start)
    name, phone, email = _contact(user, data)
    note = (data.note or "").strip()
    if len(note) > 500:
        raise VisitError(_("Say what you come for in at most 500 characters."))
    _hold_place(data.service, data.slot_start)
    visit = Visit(code=_new_code(), service=data.service, day=offer.office_day(data.slot_start),
                  slot_start=data.slot_start, source=Source.BOOKING, status=VisitStatus.BOOKED, full_name=name,
                  phone=phone, email=email, user_id=user.id if user else None, note=note,
                  locale=data.locale if data.locale in ("id", "en") else "id")
    db.session.add(visit)
    db.session.flush()
    audit.record("visit.booked", visit, user, code=visit.code, service=visit.service,
                 slot=visit.slot_start.isoformat())
    _confirm(visit, "booked")
    db.session.commit()
    return visit


def _confirm(visit: Visit, kind: str) -> None:
    """E-mail (outbox) and phone message for a booking made, changed or cancelled, or the reminder."""
    from visits.texts import notice_text

    if visit.email:
        queue_email(visit.email, f"visits/email/{kind}", locale=visit.locale, visit=visit,
                    service_label=str(offer.service(visit.service).label), manage_url=manage_url(visit))
    earlier = db.session.scalar(sa.select(sa.func.count()).select_from(Notice).where(
        Notice.visit_id == visit.id, Notice.kind == kind)) or 0
    queue_notice(visit, kind, lambda: notice_text(kind, visit, manage_url(visit)), round=earlier)


def manage_url(visit: Visit) -> str:
    base = current_app.config["STATDESK_BASE_URL"].rstrip("/")
    return f"{base}/visits/booking/{token_for(visit)}"


def locked_visit(visit_id: int) -> Visit:
    visit = db.session.scalars(locked(sa.select(Visit).where(Visit.id == visit_id), of=Visit)).first()
    if visit is None:
        raise NotFound(_("This visit does not exist."))
    return visit


@retry_on_conflict
def change(visit_id: int, slot_start: datetime, service: str | None = None) -> Visit:
    """Move a booking to another slot (and service); only before it starts.  Commits."""
    with db.session.no_autoflush:
        probe = db.session.get(Visit, visit_id)
        if probe is None:
            raise NotFound(_("This visit does not exist."))
        code = service or probe.service
        if probe.slot_start == slot_start and probe.service == code:
            return probe
        _check_slot(code, slot_start)
        _hold_place(code, slot_start)
        visit = locked_visit(visit_id)
    if visit.status is not VisitStatus.BOOKED or visit.slot_start <= clock.now():
        raise Conflict(_("This booking can no longer be changed."))
    previous = visit.slot_start
    visit.service, visit.slot_start, visit.day = code, slot_start, offer.office_day(slot_start)
    audit.record("visit.changed", visit, None, code=visit.code, previous=previous.isoformat(),
                 slot=slot_start.isoformat())
    _confirm(visit, "changed")
    db.session.commit()
    return visit


@retry_on_conflict
def cancel(visit_id: int) -> Visit:
    visit = locked_visit(visit_id)
    if visit.status is not VisitStatus.BOOKED:
        raise Conflict(_("This booking can no longer be cancelled."))
    visit.status = VisitStatus.CANCELLED
    audit.record("visit.cancelled", visit, None, code=visit.code)
    _confirm(visit, "cancelled")
    db.session.commit()
    return visit


# --- reception ----------------------------------------------------------------------------------------------

def _staff(actor) -> None:
    if not (actor.has_role("operator") or actor.has_role("supervisor")):
        raise Forbidden(_("Only service staff work at reception and the counters."))


def _give_ticket(visit: Visit, now: datetime) -> None:
    """Number ``visit`` in its service's series of today (the caller holds that ``ServiceDay`` row)."""
    row = _service_day(visit.service, visit.day)
    row.last_number += 1
    visit.series, visit.ticket_number = visit.service, row.last_number
    visit.ticket_label = offer.letter_label(visit.service, row.last_number)
    visit.status, visit.queued_at = VisitStatus.WAITING, now


@retry_on_conflict
def check_in(actor, code: str) -> Visit:
    """A booked visitor arrives: they get today's ticket of their service and join the queue.  Commits."""
    _staff(actor)
    found = by_code(code)
    if found is None:
        raise VisitError(_("No booking has the code %(code)s.", code=(code or "").strip()[:12]))
    now = clock.now()
    if found.day != offer.office_day(now):
        raise Conflict(_("This booking is for %(day)s, not today.", day=found.day.strftime("%d-%m-%Y")))
    with db.session.no_autoflush:
        _service_day(found.service, found.day)
        visit = locked_visit(found.id)
    if visit.status is not VisitStatus.BOOKED:
        raise Conflict(_("This booking is already checked in or closed (%(status)s).", status=visit.status.label))
    _give_ticket(visit, now)
    audit.record("visit.checked_in", visit, actor, code=visit.code, ticket=visit.ticket_label)
    db.session.commit()
    return visit


@retry_on_conflict
def issue_ticket(actor, service: str, full_name: str = "", phone: str = "", locale: str = "id") -> Visit:
    """A walk-in ticket for ``service`` today.  Commits."""
    _staff(actor)
    if offer.service(service) is None:
        raise VisitError(_("Choose a service."))
    now = clock.now()
    day = offer.office_day(now)
    try:
        phone = normalise_phone(phone or "")
    except PersonError as exc:
        raise VisitError(exc.message, errors={"phone": [exc.message]}) from exc
    name = (full_name or "").strip()[:160] or _("Visitor")
    visit = Visit(code=_new_code(), service=service, day=day, source=Source.WALK_IN, status=VisitStatus.WAITING,
                  full_name=name, phone=phone, locale=locale if locale in ("id", "en") else "id")
    _give_ticket(visit, now)
    db.session.add(visit)
    db.session.flush()
    audit.record("visit.ticket", visit, actor, ticket=visit.ticket_label, service=service)
    db.session.commit()
    return visit


# --- periodic work ------------------------------------------------------------------------------------------

def remind_and_close_sweep() -> dict[str, int]:
    """Remind tomorrow's booked visitors (once each); mark bookings of past days that never came as no-shows."""
    today = offer.office_day()
    counts = {"reminded": 0, "no_show": 0}
    tomorrow = db.session.scalars(sa.select(Visit).where(
        Visit.status == VisitStatus.BOOKED, Visit.day == today + timedelta(days=1))).all()
    for visit in tomorrow:
        if _remind(visit):
            counts["reminded"] += 1
    db.session.commit()
    stale = db.session.scalars(locked(sa.select(Visit).where(Visit.status == VisitStatus.BOOKED, Visit.day < today),
                                      skip_locked=True, of=Visit)).all()
    for visit in stale:
        visit.status, visit.done_at = VisitStatus.NO_SHOW, clock.now()
        counts["no_show"] += 1
    db.session.commit()
    return counts


def _remind(visit: Visit) -> bool:
    """The reminder of one booking, once: a phone message and, with an address, an e-mail."""
    from visits.texts import notice_text

    if not queue_notice(visit, "reminder", lambda: notice_text("reminder", visit, manage_url(visit))):
        return False
    if visit.email:
        queue_email(visit.email, "visits/email/reminder", locale=visit.locale, visit=visit,
                    service_label=str(offer.service(visit.service).label), manage_url=manage_url(visit))
    return True
