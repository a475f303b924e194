"""Nothing waits for an absent colleague: work held by someone who cannot do it goes back to the engine.

An operator is *away*, for the work they hold, when their account is deactivated, they are no longer an
operator, they are on leave today (the office's date), or the roster has no turn for them any more (no weekly
shift and no extra shift today or later: their last shift ended for good).  An operator who is only off shift
tonight keeps their work: they are back in the morning.

``hand_back_away`` finds every such holder and gives each of their open items back to the engine
(``engine.hand_back``): to the substitute named on the leave entry when that person can work, else to the
least loaded operator on duty for the kind, else to the queue.  Each move is a routing decision whose reason
says why, and the owner's record (ticket, task) follows in the same transaction, so reminders go to the new
holder.  It runs as the ``roster.continuity`` sweep and at once after the change that makes someone away
(leave that starts today, a removed last shift, a deactivated account).

Each item moves in a transaction of its own: the engine's lock order (the item, then the operators' rows in
one statement) holds per transaction, so two runs at once cannot deadlock; the second finds the item moved.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from accounts.models import Role, User, UserRole
from core import audit, clock
from core.extensions import db
from core.transactions import retry_on_conflict
from roster import engine
from roster.calendar import working_calendar
from roster.models import DutyException, DutyShift, ExceptionKind, WorkItem, WorkStatus


def office_today() -> date:
    return working_calendar().local(clock.now()).date()


def why_away(operator_id: int, today: date | None = None) -> tuple[str, int | None] | None:
    """``(why, substitute_id)`` when the operator cannot do the work they hold, else ``None``."""
    return away_among([operator_id], today or office_today()).get(operator_id)


def away_among(operator_ids: list[int], today: date) -> dict[int, tuple[str, int | None]]:
    if not operator_ids:
        return {}
    users = {user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(operator_ids)))}
    operators = set(db.session.scalars(sa.select(UserRole.user_id).where(
        UserRole.user_id.in_(operator_ids), UserRole.role == Role.OPERATOR)))
    leave = {row.operator_id: row for row in db.session.scalars(
        sa.select(DutyException).where(DutyException.operator_id.in_(operator_ids),
                                       DutyException.kind == ExceptionKind.LEAVE,
                                       DutyException.first_day <= today, DutyException.last_day >= today)
        .order_by(DutyException.id))}
    with_turns = set(db.session.scalars(sa.select(DutyShift.operator_id).where(
        DutyShift.operator_id.in_(operator_ids)))) | set(db.session.scalars(
        sa.select(DutyException.operator_id).where(DutyException.operator_id.in_(operator_ids),
                                                   DutyException.kind == ExceptionKind.EXTRA,
                                                   DutyException.first_day >= today)))
    away: dict[int, tuple[str, int | None]] = {}
    for operator_id in operator_ids:
        user = users.get(operator_id)
        if user is None or not user.active:
            away[operator_id] = ("deactivated", None)
        elif operator_id not in operators:
            away[operator_id] = ("not_operator", None)
        elif operator_id in leave:
            away[operator_id] = ("leave", leave[operator_id].substitute_id)
        elif operator_id not in with_turns:
            away[operator_id] = ("no_shifts", None)
    return away


def hand_back_away(operator_ids: list[int] | None = None) -> int:
    """Move every open item held by an away operator (of ``operator_ids``, or of anyone); returns how many."""
    today = office_today()
    query = sa.select(WorkItem.assignee_id).where(WorkItem.status == WorkStatus.ASSIGNED,
                                                  WorkItem.assignee_id.is_not(None)).distinct()
    if operator_ids is not None:
        query = query.where(WorkItem.assignee_id.in_(operator_ids))
    holders = sorted(db.session.scalars(query))
    away = away_among(holders, today)
    substitutes = away_among(sorted({sub for _why, sub in away.values() if sub}), today)
    moved = 0
    for operator_id, (why, substitute_id) in away.items():
        if substitute_id in substitutes or substitute_id == operator_id:
            substitute_id = None  # a substitute who is away too cannot take it
        item_ids = db.session.scalars(sa.select(WorkItem.id).where(
            WorkItem.assignee_id == operator_id, WorkItem.status == WorkStatus.ASSIGNED).order_by(WorkItem.id)).all()
        db.session.rollback()  # end the read transaction: each move below is a transaction of its own
        for item_id in item_ids:
            moved += _move(item_id, operator_id, why, substitute_id)
    return moved


@retry_on_conflict
def _move(item_id: int, holder_id: int, why: str, substitute_id: int | None) -> int:
    item = engine.locked_work_item(item_id)
    if item is None or item.status is not WorkStatus.ASSIGNED or item.assignee_id != holder_id:
        db.session.rollback()  # moved or finished meanwhile
        return 0
    decision = engine.hand_back(item, why, substitute_id)
    audit.record("roster.handed_back", item, None, why=why, item=f"{item.item_type}:{item.item_id}",
                 to=decision.operator_id)
    db.session.commit()
    return 1


def continuity_sweep() -> int:
    """Periodic job: hand back the open work of everyone away (leave that began overnight, say)."""
    return hand_back_away()


def on_account_deactivated(sender, user_id: int, **_ignored) -> None:
    """``accounts.account_deactivated`` listener: the person's work moves at once, not at the next sweep."""
    hand_back_away([user_id])
