"""Roster operations for supervisors: shifts, leave and extra shifts, quotas, reassignment.

Each function checks that the actor is a supervisor, validates, changes state,
writes the audit entry and commits once.  ``drain_queue_sweep`` is the periodic
job that hands queued work to operators whose shift has started.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from accounts.models import Role, User, UserRole
from core import audit, clock, unit_of_work
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.extensions import db
from core.transactions import retry_on_conflict
from roster import continuity, engine
from roster.calendar import working_calendar
from roster.duty import on_duty
from roster.kinds import known_kinds
from roster.models import (
    DutyException,
    DutyShift,
    ExceptionKind,
    OfficeClosure,
    Quota,
    WorkItem,
    WorkStatus,
    split_kinds,
)


class RosterError(Invalid):
    """A roster change that breaks a roster rule."""


def _require_supervisor(actor) -> None:
    if actor is None or not actor.has_role(Role.SUPERVISOR):
        raise Forbidden(_("Only supervisors manage the duty roster."))


def operators() -> list[User]:
    """Active operators, by name."""
    return db.session.scalars(sa.select(User).join(UserRole).where(
        UserRole.role == Role.OPERATOR, User.active.is_(True)).order_by(User.full_name)).all()


def _operator(operator_id: int) -> User:
    user = db.session.get(User, operator_id)
    if user is None or not user.active or not user.has_role(Role.OPERATOR):
        raise RosterError(_("Choose an active operator."))
    return user


def _kinds(kinds: list[str]) -> str:
    if not kinds:
        raise RosterError(_("Choose at least one kind of request."))
    unknown = set(kinds) - set(known_kinds())
    if unknown:
        raise RosterError(_("Unknown kind of request: %(kinds)s", kinds=", ".join(sorted(unknown))))
    return ",".join(sorted(set(kinds)))


def ensure_state(operator_id: int) -> None:
    """Give a rostered operator the state row the engine locks."""
    engine.ensure_state(operator_id)


def add_shift(actor, operator_id: int, weekday: int, starts: time, ends: time, kinds: list[str]) -> DutyShift:
    _require_supervisor(actor)
    operator = _operator(operator_id)
    if weekday not in range(7):
        raise RosterError(_("Choose a day of the week."))
    if starts >= ends:
        raise RosterError(_("A shift must end after it starts."))
    shift = DutyShift(operator_id=operator.id, weekday=weekday, starts=starts, ends=ends, kinds=_kinds(kinds))
    db.session.add(shift)
    ensure_state(operator.id)
    db.session.flush()
    audit.record("roster.shift_added", shift, actor, operator=operator.email, shift=shift.label(), kinds=shift.kinds)
    db.session.commit()
    return shift


def delete_shift(actor, shift_id: int) -> None:
    _require_supervisor(actor)
    shift = db.session.get(DutyShift, shift_id)
    if shift is None:
        raise NotFound(_("That shift does not exist."))
    audit.record("roster.shift_removed", shift, actor, operator=shift.operator.email, shift=shift.label())
    unit_of_work.after_commit(continuity.hand_back_away, [shift.operator_id], name="roster.continuity")
    db.session.delete(shift)
    db.session.commit()


@dataclass
class ExceptionData:
    operator_id: int
    kind: ExceptionKind
    first_day: date
    last_day: date | None = None
    starts: time | None = None
    ends: time | None = None
    kinds: list[str] | None = None
    note: str = ""
    substitute_id: int | None = None  # leave: who takes the open work meanwhile


def add_exception(actor, data: ExceptionData) -> DutyException:
    """Leave over a range of days, or an extra shift on one day (holidays included)."""
    _require_supervisor(actor)
    operator = _operator(data.operator_id)
    exception = DutyException(operator_id=operator.id, kind=data.kind, first_day=data.first_day,
                              note=data.note.strip()[:255])
    if data.kind is ExceptionKind.LEAVE:
        exception.last_day = data.last_day or data.first_day
        if exception.last_day < exception.first_day:
            raise RosterError(_("Leave must end on or after its first day."))
        if data.substitute_id:
            if data.substitute_id == operator.id:
                raise RosterError(_("Someone on leave cannot be their own substitute."))
            exception.substitute_id = _operator(data.substitute_id).id
        if exception.first_day <= continuity.office_today() <= exception.last_day:
            unit_of_work.after_commit(continuity.hand_back_away, [operator.id], name="roster.continuity")
    else:
        if data.starts is None or data.ends is None or data.starts >= data.ends:
            raise RosterError(_("An extra shift needs a start and a later end."))
        exception.last_day, exception.starts, exception.ends = data.first_day, data.starts, data.ends
        exception.kinds = _kinds(data.kinds or [])
    db.session.add(exception)
    ensure_state(operator.id)
    db.session.flush()
    audit.record(f"roster.{data.kind.value}_added", exception, actor, operator=operator.email,
                 when=exception.label(), substitute=exception.substitute.email if exception.substitute else "")
    db.session.commit()
    return exception


def delete_exception(actor, exception_id: int) -> None:
    _require_supervisor(actor)
    exception = db.session.get(DutyException, exception_id)
    if exception is None:
        raise NotFound(_("That entry does not exist."))
    audit.record(f"roster.{exception.kind.value}_removed", exception, actor, operator=exception.operator.email)
    db.session.delete(exception)
    db.session.commit()


def set_quota(actor, operator_id: int, kind: str, max_open: int | None) -> None:
    """Set (or with ``None`` remove) an operator's limit of open items, overall or for one kind."""
    _require_supervisor(actor)
    operator = _operator(operator_id)
    if kind and kind not in known_kinds():
        raise RosterError(_("Unknown kind of request: %(kinds)s", kinds=kind))
    if max_open is not None and not 0 <= max_open <= 1000:
        raise RosterError(_("A quota is a number from 0 to 1000."))
    quota = db.session.scalar(sa.select(Quota).where(Quota.operator_id == operator.id, Quota.kind == kind))
    if max_open is None:
        if quota is not None:
            db.session.delete(quota)
    elif quota is None:
        db.session.add(Quota(operator_id=operator.id, kind=kind, max_open=max_open))
    else:
        quota.max_open = max_open
    ensure_state(operator.id)
    audit.record("roster.quota_set", ("User", operator.id), actor, kind=kind or "*", max_open=max_open)
    db.session.commit()


@retry_on_conflict
def reassign(actor, work_item_id: int, operator_id: int):
    """A supervisor hands an open item to another operator; the decision log records it."""
    _require_supervisor(actor)
    item = engine.locked_work_item(work_item_id)  # its status and holder are read under the lock
    if item is None:
        raise NotFound(_("That work item does not exist."))
    if item.status is WorkStatus.DONE:
        raise Conflict(_("That work is finished; it cannot be reassigned."))
    operator = _operator(operator_id)
    if item.assignee_id == operator.id:
        raise Conflict(_("The item is already assigned to %(name)s.", name=operator.full_name))
    if continuity.why_away(operator.id) is not None:
        raise Conflict(_("%(name)s cannot take work now (on leave or without shifts); choose someone else.",
                         name=operator.full_name))
    ensure_state(operator.id)
    decision = engine.reassign(item, operator.id, actor)
    audit.record("roster.reassigned", item, actor, to=operator.email, item=f"{item.item_type}:{item.item_id}")
    db.session.commit()
    return decision


@dataclass(frozen=True)
class Candidate:
    """Someone a supervisor may give an item to, with what the choice means for their load."""

    operator: User
    load: int
    quota: int
    on_duty: bool

    @property
    def over_quota(self) -> bool:
        return self.load >= self.quota

    def label(self) -> str:
        text = _("%(name)s (load %(load)s/%(quota)s)", name=self.operator.full_name, load=self.load,
                 quota=self.quota)
        if not self.on_duty:
            text += _(", off duty now")
        if self.over_quota:
            text += _(", over quota")
        return text


def reassign_candidates(kind: str | None = None, exclude: int | None = None) -> list[Candidate]:
    """Operators who can take an item of ``kind`` (they serve it and are not away), least loaded first."""
    people = [user for user in operators() if user.id != exclude]
    if kind is not None:
        serving = {operator_id for operator_id, kinds in db.session.execute(
            sa.select(DutyShift.operator_id, DutyShift.kinds).where(DutyShift.kinds.like(f"%{kind}%")))
            if kind in split_kinds(kinds)}
        people = [user for user in people if user.id in serving]
    away = continuity.away_among([user.id for user in people], continuity.office_today())
    people = [user for user in people if user.id not in away]
    if not people:
        return []
    ids = [user.id for user in people]
    loads = dict(db.session.execute(sa.select(WorkItem.assignee_id, sa.func.count()).where(
        WorkItem.assignee_id.in_(ids), WorkItem.status == WorkStatus.ASSIGNED).group_by(WorkItem.assignee_id)).all())
    quotas = dict(db.session.execute(sa.select(Quota.operator_id, Quota.max_open).where(
        Quota.operator_id.in_(ids), Quota.kind == "")).all())
    default = current_app.config["STATDESK_DEFAULT_QUOTA"]
    duty = on_duty(clock.now())
    found = [Candidate(user, loads.get(user.id, 0), quotas.get(user.id, default), user.id in duty)
             for user in people]
    return sorted(found, key=lambda c: (c.over_quota, not c.on_duty, c.load, c.operator.full_name))


def closures(upcoming_only: bool = True) -> list[OfficeClosure]:
    query = sa.select(OfficeClosure).order_by(OfficeClosure.day)
    if upcoming_only:
        query = query.where(OfficeClosure.day >= continuity.office_today())
    return db.session.scalars(query).all()


def add_closure(actor, day: date, name: str) -> OfficeClosure:
    """Close the office on ``day`` (cuti bersama, a local event): every working-time clock skips it."""
    _require_supervisor(actor)
    name = (name or "").strip()
    if not name:
        raise RosterError(_("Say why the office is closed (for example \"Cuti bersama Idulfitri\")."))
    if db.session.scalar(sa.select(OfficeClosure.id).where(OfficeClosure.day == day)) is not None:
        raise Conflict(_("The office is already closed on that day."))
    closure = OfficeClosure(day=day, name=name[:120], created_by_id=actor.id)
    db.session.add(closure)
    db.session.flush()
    audit.record("roster.closure_added", closure, actor, day=day.isoformat(), name=closure.name)
    unit_of_work.after_commit(working_calendar().forget_closures, name="roster.closures-changed")
    db.session.commit()
    return closure


def delete_closure(actor, closure_id: int) -> None:
    _require_supervisor(actor)
    closure = db.session.get(OfficeClosure, closure_id)
    if closure is None:
        raise NotFound(_("That closure does not exist."))
    audit.record("roster.closure_removed", closure, actor, day=closure.day.isoformat(), name=closure.name)
    db.session.delete(closure)
    unit_of_work.after_commit(working_calendar().forget_closures, name="roster.closures-changed")
    db.session.commit()


@retry_on_conflict
def drain_queue_sweep() -> int:
    """Periodic job: assign queued work to operators on duty with room (after a shift starts)."""
    decisions = engine.drain_queue()
    db.session.commit()
    return len(decisions)
