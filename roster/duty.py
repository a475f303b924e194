"""Who is on duty at an instant: the weekly pattern, minus leave and holidays, plus extra shifts."""

from __future__ import annotations

from datetime import datetime, time
from functools import lru_cache
from typing import NamedTuple

import sqlalchemy as sa

from accounts.models import Role, User, UserRole
from core.extensions import db
from roster.calendar import working_calendar
from roster.models import DutyException, DutyShift, ExceptionKind, split_kinds


class DutyTurn(NamedTuple):
    """An operator's current turn: the kinds they serve and the shift that puts them on duty."""

    operator_id: int
    kinds: frozenset[str]
    weekday: int
    starts: time | str
    ends: time | str
    extra: bool = False

    def as_reason(self) -> dict:
        return {"weekday": self.weekday, "starts": _hhmm(self.starts), "ends": _hhmm(self.ends), "extra": self.extra}


def _hhmm(value: time | str) -> str:
    """``08:00`` from a ``time`` (PostgreSQL) or the text SQLite keeps (``08:00:00.000000``)."""
    return value.strftime("%H:%M") if isinstance(value, time) else str(value)[:5]


def _active_operators():
    return sa.select(User.id).join(UserRole).where(User.active.is_(True), UserRole.role == Role.OPERATOR)


def on_duty(at: datetime, kind: str | None = None) -> dict[int, DutyTurn]:
    """Operators on duty at ``at`` (serving ``kind``, if given), by id.

    Weekly shifts count on working days only (not on public holidays) and not for
    operators on leave; extra shifts count on their day.  Shifts include their
    start and exclude their end.  One prepared query: this runs for every decision.
    """
    calendar = working_calendar()
    local = calendar.local(at)
    day = local.date()
    params = {"day": day, "weekday": day.weekday(), "moment": local.time().replace(tzinfo=None)}
    if kind:
        params["kinds_like"] = f"%{kind}%"  # a coarse filter; exact kinds are checked below
    turns: dict[int, DutyTurn] = {}
    rows = db.session.execute(_duty_query(not calendar.is_holiday(day), bool(kind)), params)
    for operator_id, kinds, starts, ends, extra in rows:
        _merge(turns, DutyTurn(operator_id, _kind_set(kinds), day.weekday(), starts, ends, bool(extra)))
    if kind:
        turns = {op: turn for op, turn in turns.items() if kind in turn.kinds}
    return turns


@lru_cache(maxsize=4)
def _duty_query(weekly: bool, by_kind: bool):
    """The statement behind ``on_duty``, built once (times come back as text or ``time``, shown as HH:MM)."""
    day, moment = sa.bindparam("day", type_=sa.Date), sa.bindparam("moment", type_=sa.Time)
    active = _active_operators()

    def columns(model, extra: bool):
        return (model.operator_id, model.kinds, sa.type_coerce(model.starts, sa.String).label("starts"),
                sa.type_coerce(model.ends, sa.String).label("ends"), sa.literal(extra).label("extra"))

    query = (sa.select(*columns(DutyException, True))
             .where(DutyException.kind == ExceptionKind.EXTRA, DutyException.first_day == day,
                    DutyException.starts <= moment, DutyException.ends > moment,
                    DutyException.operator_id.in_(active)))
    if by_kind:
        query = query.where(DutyException.kinds.like(sa.bindparam("kinds_like")))
    if not weekly:
        return query
    on_leave = sa.select(DutyException.operator_id).where(
        DutyException.kind == ExceptionKind.LEAVE, DutyException.first_day <= day, DutyException.last_day >= day)
    shifts = (sa.select(*columns(DutyShift, False))
              .where(DutyShift.weekday == sa.bindparam("weekday"), DutyShift.starts <= moment,
                     DutyShift.ends > moment, DutyShift.operator_id.in_(active),
                     DutyShift.operator_id.not_in(on_leave)))
    if by_kind:
        shifts = shifts.where(DutyShift.kinds.like(sa.bindparam("kinds_like")))
    return sa.union_all(shifts, query)


@lru_cache(maxsize=1024)
def _kind_set(text: str) -> frozenset[str]:
    return frozenset(split_kinds(text))


def _merge(turns: dict[int, DutyTurn], turn: DutyTurn) -> None:
    """Two overlapping turns of one operator serve the union of their kinds."""
    earlier = turns.get(turn.operator_id)
    if earlier is None:
        turns[turn.operator_id] = turn
    else:
        turns[turn.operator_id] = DutyTurn(turn.operator_id, earlier.kinds | turn.kinds, earlier.weekday,
                                           earlier.starts, earlier.ends, earlier.extra)


def kinds_served_by(operator_id: int) -> set[str]:
    """Every kind the operator serves in any shift of the roster (for their queue view)."""
    rows = db.session.scalars(sa.select(DutyShift.kinds).where(DutyShift.operator_id == operator_id)).all()
    return {kind for text in rows for kind in split_kinds(text)}
