"""The operators' console home and the supervisors' team workload."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consultation.models import Ticket
from consultation.states import OPEN
from core.errors import Conflict, NotFound
from core.extensions import db
from orders.models import FulfilmentTask, TaskState
from roster import engine
from roster.duty import kinds_served_by
from roster.models import WorkItem, WorkStatus


@dataclass
class ConsoleRow:
    kind: str  # "consultation" | "complaint" | "fulfilment"
    label: str
    due_at: datetime | None
    warn_at: datetime | None
    ticket: Ticket | None = None
    task: FulfilmentTask | None = None

    def mark(self, now: datetime) -> str:
        if self.due_at is not None and self.due_at <= now:
            return "overdue"
        if self.warn_at is not None and self.warn_at <= now:
            return "due-soon"
        return ""


def _ticket_due(ticket: Ticket) -> tuple[datetime | None, datetime | None]:
    if ticket.first_response_at is None:
        return ticket.response_due_at, ticket.response_warn_at
    return ticket.resolution_due_at, ticket.resolution_warn_at


def my_work(user_id: int) -> list[ConsoleRow]:
    """Open requests and fulfilment tasks assigned to the user, soonest due first (no due time last)."""
    rows = []
    tickets = db.session.scalars(sa.select(Ticket).where(Ticket.assignee_id == user_id,
                                                         Ticket.status.in_(OPEN))).unique().all()
    for ticket in tickets:
        due, warn = _ticket_due(ticket)
        rows.append(ConsoleRow("complaint" if ticket.kind.value == "complaint" else "consultation",
                               f"{ticket.number} · {ticket.subject}", due, warn, ticket=ticket))
    tasks = db.session.scalars(sa.select(FulfilmentTask).options(sa.orm.joinedload(FulfilmentTask.order))
                               .where(FulfilmentTask.assignee_id == user_id,
                                      FulfilmentTask.state == TaskState.OPEN)).all()
    rows += [ConsoleRow("fulfilment", f"#{task.order_id}", None, None, task=task) for task in tasks]
    rows.sort(key=lambda r: (r.due_at is None, r.due_at.timestamp() if r.due_at else 0, r.label))
    return rows


def unassigned_queue(user_id: int) -> list[WorkItem]:
    kinds = kinds_served_by(user_id)
    if not kinds:
        return []
    return db.session.scalars(sa.select(WorkItem).where(WorkItem.status == WorkStatus.QUEUED,
                                                        WorkItem.kind.in_(kinds))
                              .order_by(WorkItem.queued_at, WorkItem.id)).all()


def team_workload(operators, now: datetime, on_duty_ids: set[int]) -> list[dict]:
    """Per operator: open items, overdue requests and whether on duty now (two grouped queries)."""
    open_counts = dict(db.session.execute(
        sa.select(WorkItem.assignee_id, sa.func.count()).where(WorkItem.status == WorkStatus.ASSIGNED)
        .group_by(WorkItem.assignee_id)).all())
    due = sa.case((Ticket.first_response_at.is_(None), Ticket.response_due_at), else_=Ticket.resolution_due_at)
    overdue_counts = dict(db.session.execute(
        sa.select(Ticket.assignee_id, sa.func.count()).where(Ticket.status.in_(OPEN), due <= now)
        .group_by(Ticket.assignee_id)).all())
    return [{"operator": op, "open": open_counts.get(op.id, 0), "overdue": overdue_counts.get(op.id, 0),
             "on_duty": op.id in on_duty_ids} for op in operators]


def take(item_id: int, operator) -> WorkItem:
    """An operator takes a queued item of a kind they serve, within their quota; the routing log records a take.

    The item's row is locked first, so two operators taking the same item at once
    cannot both get it: the second finds it already assigned.  An operator at quota
    gets a 409 (``engine.QuotaReached``) and the item stays queued.
    """
    item = engine.locked_work_item(item_id)
    if item is None or item.kind not in kinds_served_by(operator.id):
        raise NotFound(_l("No such item in your queue."))
    if item.status is not WorkStatus.QUEUED:
        raise Conflict(_l("Someone has already taken this item."))
    engine.take(item, operator)
    db.session.commit()
    return item
