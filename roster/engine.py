"""The assignment engine: routes any work item to an operator on duty, or queues it.

Among operators on duty now who serve the item's kind and are below quota, the
least loaded wins; ties go to the one who waited longest since their last
assignment.  When none qualifies the item waits in the queue, drained when an
item is released and by the sweep (so a shift that starts picks up the queue).

An operator may also take a queued item themselves (``take``), within their
quota; a supervisor's ``reassign`` overrides duty and quota.

The engine changes the session and never commits: the caller's service commits
the decision together with the change that caused it.  Locks are taken in one
order: the work item (``locked_work_item``, before its status or holder is read),
then the operators' state rows, in id order and in one statement per
transaction, before their loads are read, then the owner's record (changed by its
handler; ``roster.signals`` says what is announced after the commit).  So simultaneous decisions about one item take
turns, none pushes an operator over quota, load counters change only under the
operator's lock by the holder read under the item's lock, and decisions cannot
deadlock one another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from accounts.models import User
from core import clock, unit_of_work
from core.errors import Conflict
from core.extensions import db
from core.locks import locked
from roster.duty import DutyTurn, on_duty
from roster.models import AssignmentDecision, DecisionOutcome, OperatorState, Quota, WorkItem, WorkStatus
from roster.signals import owner_of, work_assigned

NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Routable:
    """Anything the engine can route: a type and id of the owner's record, and the kind (skill) it needs."""

    item_type: str
    item_id: str | int
    kind: str
    label: str = ""
    due_at: datetime | None = None  # the item's first deadline and its warning (``set_clock`` changes them)
    warn_at: datetime | None = None


class QuotaReached(Conflict):
    """An operator at their quota (overall or for the item's kind) tried to take more work."""

    def __init__(self, load: int, quota: int):
        super().__init__(_("You have %(load)d open items and your quota is %(quota)d: finish one before taking "
                            "another.", load=load, quota=quota))


def work_item_for(item_type: str, item_id: str | int) -> WorkItem | None:
    return db.session.scalar(sa.select(WorkItem).where(WorkItem.item_type == item_type,
                                                       WorkItem.item_id == str(item_id)))


def locked_work_item(work_item_id: int) -> WorkItem | None:
    """The work item, locked (and refreshed) before a decision reads its status and holder."""
    with db.session.no_autoflush:  # nothing else is written before the item is locked: the lock order
        return db.session.scalars(locked(sa.select(WorkItem).where(WorkItem.id == work_item_id))).first()


def locked_work_item_for(item_type: str, item_id: str | int) -> WorkItem | None:
    """Like ``locked_work_item``, found by the owner's type and id."""
    with db.session.no_autoflush:
        return db.session.scalars(locked(sa.select(WorkItem).where(
            WorkItem.item_type == item_type, WorkItem.item_id == str(item_id)))).first()


def _start_routing(work: Routable, now: datetime) -> WorkItem:
    item = locked_work_item_for(work.item_type, work.item_id)
    if item is None:
        item = WorkItem(item_type=work.item_type, item_id=str(work.item_id), kind=work.kind,
                        label=work.label[:120], created_at=now)
        db.session.add(item)
    elif item.status is not WorkStatus.DONE:
        raise ValueError(f"{work.item_type} {work.item_id} is already being routed")
    item.kind, item.status, item.assignee_id = work.kind, WorkStatus.QUEUED, None
    item.queued_at, item.assigned_at, item.done_at = now, None, None
    item.due_at, item.warn_at, item.escalated_at = work.due_at, work.warn_at, None
    return item


def set_clock(item_type: str, item_id: str | int, due_at: datetime | None, warn_at: datetime | None) -> None:
    """The owner's deadline for an open item moved (answered, paused, resumed); ``None`` while paused.

    An escalation ends when the new deadline lies ahead.  One UPDATE, no lock taken
    first: the owner calls it in the transaction that moved its own clock.
    """
    still_late = due_at is not None and due_at <= clock.now()
    db.session.execute(
        sa.update(WorkItem)
        .where(WorkItem.item_type == item_type, WorkItem.item_id == str(item_id), WorkItem.status != WorkStatus.DONE)
        .values(due_at=due_at, warn_at=warn_at, escalated_at=WorkItem.escalated_at if still_late else None)
        .execution_options(synchronize_session="fetch"))


class NotOnDuty(Conflict):
    """The operator who wants to handle a request themselves is not on duty for its kind now."""

    def __init__(self):
        super().__init__(_("You are not on duty for this kind of request now: leave \"handle it myself\" unticked "
                           "and it goes to a colleague on duty or the queue."))


class OverQuotaNeedsReason(Conflict):
    """Handling a request oneself over one's quota needs a reason, which the decision log keeps."""

    def __init__(self, load: int, quota: int):
        super().__init__(_("You have %(load)d open items and your quota is %(quota)d: give a reason to handle this "
                           "one yourself anyway.", load=load, quota=quota))


def submit_to_recorder(work: Routable, operator, over_quota_reason: str = "", *,
                       in_person: bool = False) -> AssignmentDecision:
    """The operator who recorded a request (a walk-in at the desk) handles it on the spot.

    They must be on duty for its kind; over their quota only with a reason, which the
    log keeps.  Raises ``NotOnDuty`` or ``OverQuotaNeedsReason`` (nothing written).
    ``in_person``: the visitor is at the operator's counter and already being served, so
    neither duty nor quota is asked; the item counts in their load like any other.
    """
    now = clock.now()
    if not in_person and operator.id not in on_duty(now, work.kind):
        raise NotOnDuty()
    item = _start_routing(work, now)
    ensure_state(operator.id)
    with db.session.no_autoflush:
        states, quotas = _lock_operators([operator.id], work.kind)
        load, limits = states[operator.id].open_items, quotas[operator.id]
        over = load >= limits[""]
        if not over and work.kind in limits:
            over = _kind_loads([operator.id], work.kind).get(operator.id, 0) >= limits[work.kind]
        reason_text = (over_quota_reason or "").strip()[:255]
        if over and not reason_text and not in_person:
            raise OverQuotaNeedsReason(load, limits[""])
        item.status, item.assignee_id, item.assigned_at = WorkStatus.ASSIGNED, operator.id, now
    _add_load(operator.id, +1, now)
    db.session.flush()
    reason = {"code": "counter" if in_person else "recorder", "load": load, "quota": limits[""]}
    if over and not in_person:
        reason["over_quota"] = reason_text
    decision = _log(item, DecisionOutcome.TAKEN, operator.id, reason, decided_by_id=operator.id)
    _assigned(item, decision, operator)
    return decision


def submit(work: Routable) -> AssignmentDecision:
    """Route a new (or reopened) item now; it is queued when nobody qualifies."""
    now = clock.now()
    item = _start_routing(work, now)
    with db.session.no_autoflush:  # the item is written once, with the decision
        decision = _try_assign(item, now, on_duty(now, work.kind))
        if decision is None:
            decision = _log(item, DecisionOutcome.QUEUED, None, _queue_reason(item, on_duty(now)))
    return decision


def release(item_type: str, item_id: str | int) -> list[AssignmentDecision]:
    """Mark the item done (its operator's load falls) and hand queued work to whoever now has room."""
    item = locked_work_item_for(item_type, item_id)
    if item is None or item.status is WorkStatus.DONE:
        return []
    now = clock.now()
    turns = on_duty(now)
    holder = item.assignee_id if item.status is WorkStatus.ASSIGNED else None
    # One ordered lock for everyone this transaction touches, so it cannot deadlock with another decision.
    _lock_operators([*turns, holder] if holder else turns)
    if holder is not None:
        _add_load(holder, -1)
    item.status, item.done_at = WorkStatus.DONE, now
    db.session.flush()
    return _drain(now, turns)


def drain_queue(limit: int = 200) -> list[AssignmentDecision]:
    """Assign queued items, oldest first, to operators on duty with room.  Returns the decisions."""
    now = clock.now()
    return _drain(now, on_duty(now), limit)


def _drain(now: datetime, turns: dict[int, DutyTurn], limit: int = 200) -> list[AssignmentDecision]:
    if not turns:
        return []
    query = (sa.select(WorkItem).where(WorkItem.status == WorkStatus.QUEUED)
             .order_by(WorkItem.queued_at, WorkItem.id).limit(limit))
    items = db.session.scalars(locked(query, skip_locked=True)).all()  # a simultaneous drain takes others
    if not items:
        return []
    _lock_operators(turns)  # all at once and in order: later per-item locks are already held
    decisions = []
    for item in items:
        decision = _try_assign(item, now, turns)
        if decision is not None:
            decisions.append(decision)
    return decisions


def reassign(item: WorkItem, operator_id: int, supervisor) -> AssignmentDecision:
    """A supervisor's choice overrides duty and quota; the log keeps the load it caused.

    The caller has locked the item (``locked_work_item``) and checked it is open, so
    the holder whose load falls is the one who really holds it.
    """
    now = clock.now()
    previous_id = item.assignee_id if item.status is WorkStatus.ASSIGNED else None
    states, quotas = _lock_operators([operator_id] + ([previous_id] if previous_id else []))
    load = states[operator_id].open_items if operator_id in states else 0
    quota = quotas.get(operator_id, {"": current_app.config["STATDESK_DEFAULT_QUOTA"]})[""]
    previous = db.session.get(User, previous_id).full_name if previous_id else ""
    if previous_id is not None:
        _add_load(previous_id, -1)
    item.status, item.assignee_id, item.assigned_at = WorkStatus.ASSIGNED, operator_id, now
    item.queued_at = item.queued_at or now
    _add_load(operator_id, +1, now)
    db.session.flush()
    decision = _log(item, DecisionOutcome.REASSIGNED, operator_id,
                    {"code": "supervisor", "load": load, "quota": quota, "previous": previous},
                    decided_by_id=supervisor.id)
    _assigned(item, decision, supervisor)
    return decision


def hand_back(item: WorkItem, why: str, substitute_id: int | None = None) -> AssignmentDecision:
    """The holder can no longer do ``item`` (``why``: leave, deactivated, no_shifts): route it again.

    The caller has locked the item and checked that it is assigned.  A ``substitute``
    the holder or a supervisor named takes it whatever their duty and quota (the log
    keeps the load it caused); otherwise the least loaded operator on duty who serves
    the kind, or the queue.  The owner's record follows in this transaction, so
    reminders go to the new holder (or, while queued, to the supervisors).
    """
    if item.status is not WorkStatus.ASSIGNED or item.assignee_id is None:
        raise ValueError(f"work item {item.id} is not assigned")
    now = clock.now()
    holder = item.assignee_id
    previous = db.session.get(User, holder).full_name
    turns = {op: turn for op, turn in on_duty(now, item.kind).items() if op not in (holder, substitute_id)}
    if substitute_id is not None:
        ensure_state(substitute_id)  # a row to lock, even for someone never routed to before
    states, quotas = _lock_operators([holder, *turns, *([substitute_id] if substitute_id else [])], item.kind)
    _add_load(holder, -1)
    item.status, item.assignee_id, item.assigned_at, item.queued_at = WorkStatus.QUEUED, None, None, now
    facts = {"after": why, "previous": previous}
    if substitute_id is not None:
        load = states[substitute_id].open_items if substitute_id in states else 0
        item.status, item.assignee_id, item.assigned_at = WorkStatus.ASSIGNED, substitute_id, now
        _add_load(substitute_id, +1, now)
        db.session.flush()
        decision = _log(item, DecisionOutcome.REASSIGNED, substitute_id,
                        {"code": "substitute", "load": load,
                         "quota": quotas.get(substitute_id, {"": current_app.config["STATDESK_DEFAULT_QUOTA"]})[""],
                         **facts})
        _assigned(item, decision, None)
        return decision
    with db.session.no_autoflush:
        decision = _try_assign(item, now, turns)
    if decision is not None:
        decision.reason = {**decision.reason, **facts}
        return decision
    db.session.flush()
    decision = _log(item, DecisionOutcome.QUEUED, None, {**_queue_reason(item, turns), **facts})
    handler = owner_of(item.item_type)
    if handler is not None:
        handler(item, decision, None)  # the owner's record shows nobody holds it now
    return decision


def _assigned(item: WorkItem, decision: AssignmentDecision, actor) -> None:
    """The owner's record follows in this transaction; ``work_assigned`` leaves after the commit."""
    handler = owner_of(item.item_type)
    if handler is not None:
        handler(item, decision, actor)
    unit_of_work.after_commit(work_assigned.send, item.item_type, name="signal roster.work-assigned",
                              item=item, decision=decision, actor=actor)


def take(item: WorkItem, operator) -> AssignmentDecision:
    """``operator`` takes a queued item themselves, within their quota overall and for the item's kind.

    The caller has locked the item (``locked_work_item``) and checked that it is
    queued and of a kind the operator may take.  Raises ``QuotaReached`` (nothing
    changed) when the operator has no room; the log records a take by the operator.
    """
    if item.status is not WorkStatus.QUEUED:
        raise ValueError(f"work item {item.id} is not queued")
    now = clock.now()
    ensure_state(operator.id)
    states, quotas = _lock_operators([operator.id], item.kind)
    load, limits = states[operator.id].open_items, quotas[operator.id]
    if load >= limits[""]:
        raise QuotaReached(load, limits[""])
    if item.kind in limits:
        kind_load = _kind_loads([operator.id], item.kind).get(operator.id, 0)
        if kind_load >= limits[item.kind]:
            raise QuotaReached(kind_load, limits[item.kind])
    item.status, item.assignee_id, item.assigned_at = WorkStatus.ASSIGNED, operator.id, now
    _add_load(operator.id, +1, now)
    db.session.flush()
    decision = _log(item, DecisionOutcome.TAKEN, operator.id, {"code": "taken", "load": load, "quota": limits[""]},
                    decided_by_id=operator.id)
    _assigned(item, decision, operator)
    return decision


def ensure_state(operator_id: int) -> None:
    """Give an operator the state row the engine locks (an insert that a simultaneous one cannot break)."""
    table = OperatorState.__table__
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(dialect.insert(table).values(operator_id=operator_id, open_items=0, assignments=0)
                       .on_conflict_do_nothing(index_elements=[table.c.operator_id]))


@dataclass(frozen=True)
class _State:
    open_items: int
    last_assigned_at: datetime | None


def _try_assign(item: WorkItem, now: datetime, turns: dict[int, DutyTurn]) -> AssignmentDecision | None:
    candidates = [op for op, turn in turns.items() if item.kind in turn.kinds]
    if not candidates:
        return None
    states, quotas = _lock_operators(candidates, item.kind)
    kind_loads = _kind_loads([op for op in states if item.kind in quotas[op]], item.kind)
    eligible = [op for op, state in states.items()
                if state.open_items < quotas[op][""]
                and (item.kind not in quotas[op] or kind_loads.get(op, 0) < quotas[op][item.kind])]
    if not eligible:
        return None
    ranked = sorted(eligible, key=lambda op: (states[op].open_items, states[op].last_assigned_at or NEVER, op))
    chosen = ranked[0]
    tie = len(ranked) > 1 and states[ranked[1]].open_items == states[chosen].open_items
    item.status, item.assignee_id, item.assigned_at = WorkStatus.ASSIGNED, chosen, now
    _add_load(chosen, +1, now)
    reason = {"code": "least_loaded", **turns[chosen].as_reason(), "load": states[chosen].open_items,
              "quota": quotas[chosen][""], "candidates": len(eligible), "tie": tie,
              "from_queue": item.queued_at is not None and item.queued_at < now}
    decision = _log(item, DecisionOutcome.ASSIGNED, chosen, reason)
    _assigned(item, decision, None)
    return decision


def _queue_reason(item: WorkItem, turns: dict[int, DutyTurn]) -> dict:
    if not turns:
        return {"code": "nobody_on_duty"}
    serving = [op for op, turn in turns.items() if item.kind in turn.kinds]
    if not serving:
        return {"code": "no_skill_on_duty", "kind": item.kind, "on_duty": len(turns)}
    return {"code": "all_at_quota", "candidates": len(serving)}


def _lock_operators(operator_ids, kind: str = "") -> tuple[dict[int, _State], dict[int, dict[str, int]]]:
    """Lock the operators' state rows in id order; read their loads and quotas (overall and for ``kind``).

    PostgreSQL takes row locks (``FOR UPDATE OF`` the state rows); on SQLite a
    write first takes the single writer lock, so no other decision reads loads
    until this transaction ends.
    """
    ids = sorted(set(operator_ids))
    if not ids:
        return {}, {}
    postgresql = db.engine.dialect.name == "postgresql"
    if not postgresql:
        db.session.execute(_touch_statement(), {"locked_id": ids[0]})
    default = current_app.config["STATDESK_DEFAULT_QUOTA"]
    states: dict[int, _State] = {}
    quotas: dict[int, dict[str, int]] = {}
    rows = db.session.execute(_lock_statement(postgresql), {"ids": ids, "kinds": sorted({"", kind})})
    for operator_id, open_items, last, quota_kind, max_open in rows:
        states[operator_id] = _State(open_items, last)
        limits = quotas.setdefault(operator_id, {"": default})
        if quota_kind is not None:
            limits[quota_kind] = max_open
    return states, quotas


@lru_cache(maxsize=2)
def _lock_statement(postgresql: bool):
    state, quota = OperatorState.__table__, Quota.__table__
    joined = state.outerjoin(quota, sa.and_(quota.c.operator_id == state.c.operator_id,
                                            quota.c.kind.in_(sa.bindparam("kinds", expanding=True))))
    query = (sa.select(state.c.operator_id, state.c.open_items, state.c.last_assigned_at, quota.c.kind,
                       quota.c.max_open)
             .select_from(joined).where(state.c.operator_id.in_(sa.bindparam("ids", expanding=True)))
             .order_by(state.c.operator_id))
    return query.with_for_update(of=state) if postgresql else query


@lru_cache(maxsize=1)
def _touch_statement():
    state = OperatorState.__table__
    return (sa.update(state).where(state.c.operator_id == sa.bindparam("locked_id"))
            .values(open_items=state.c.open_items))


def _add_load(operator_id: int, change: int, assigned_at: datetime | None = None) -> None:
    """Change an operator's open load (the caller holds the row lock, or only lowers the load)."""
    params = {"state_id": operator_id, "change": change}
    if assigned_at is not None:
        params["assigned_at"] = assigned_at
    result = db.session.execute(_load_statement(assigned_at is not None), params)
    if result.rowcount == 0:
        db.session.add(OperatorState(operator_id=operator_id, open_items=max(change, 0),
                                     last_assigned_at=assigned_at, assignments=1 if assigned_at else 0))


@lru_cache(maxsize=2)
def _load_statement(assigning: bool):
    table = OperatorState.__table__
    values = {"open_items": table.c.open_items + sa.bindparam("change", type_=sa.Integer)}
    if assigning:
        values.update(last_assigned_at=sa.bindparam("assigned_at", type_=table.c.last_assigned_at.type),
                      assignments=table.c.assignments + 1)
    return sa.update(table).where(table.c.operator_id == sa.bindparam("state_id")).values(**values)


def _kind_loads(operator_ids, kind: str) -> dict[int, int]:
    """Open items of one kind, counted only for operators with a quota for that kind."""
    if not operator_ids:
        return {}
    rows = db.session.execute(
        sa.select(WorkItem.assignee_id, sa.func.count())
        .where(WorkItem.assignee_id.in_(list(operator_ids)), WorkItem.status == WorkStatus.ASSIGNED,
               WorkItem.kind == kind)
        .group_by(WorkItem.assignee_id))
    return dict(rows.all())


def _log(item: WorkItem, outcome: DecisionOutcome, operator_id: int | None, reason: dict,
         decided_by_id: int | None = None) -> AssignmentDecision:
    decision = AssignmentDecision(work_item=item, at=clock.now(), outcome=outcome, operator_id=operator_id,
                                  decided_by_id=decided_by_id, reason=reason)
    db.session.add(decision)
    db.session.flush()
    return decision
