"""The one work list: every routed item (consultation, complaint, fulfilment, review, …) by its deadline.

The roster knows each item's kind, holder, status and clock (``WorkItem``); the package that owns the work
says what a person needs to see of it.  An owner registers ``details(item_ids) -> {item_id: WorkDetails}``
with ``register_details(app, item_type, function)``: one call per item type and page, so a page of the list
costs one query for the items and one per type shown, however long it is.

``work_query`` builds the list an operator or a supervisor sees, with filters, sorted by deadline (items
without a running clock last, then the oldest first).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from core import registry
from roster.models import WorkItem, WorkStatus

MARKS = ("escalated", "overdue", "due-soon")


@dataclass(frozen=True)
class WorkDetails:
    """What the owner shows of one item: already in the reader's language."""

    subject: str
    requester: str
    channel: str
    url: str
    opened_at: datetime


WORK_DETAILS: registry.MapSlot[str, Callable[[list[str]], dict[str, WorkDetails]]] = registry.MapSlot(
    "roster.work_details",
    "item type -> details(item ids) returning {item id: WorkDetails} for the work list; one query per call; "
    "the package owning that kind of work registers it.")


def register_details(app, item_type: str, function: Callable[[list[str]], dict[str, WorkDetails]]) -> None:
    WORK_DETAILS.register(app, item_type, function)


@dataclass
class WorkRow:
    item: WorkItem
    details: WorkDetails | None

    def mark(self, now: datetime) -> str:
        return self.item.mark(now)


def rows_for(items: list[WorkItem]) -> list[WorkRow]:
    """The items with their owners' details, asked once per item type."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for item in items:
        by_type[item.item_type].append(item.item_id)
    details: dict[tuple[str, str], WorkDetails] = {}
    for item_type, ids in by_type.items():
        function = WORK_DETAILS.lookup(item_type)
        if function is not None:
            details.update({(item_type, key): value for key, value in function(ids).items()})
    return [WorkRow(item, details.get((item.item_type, item.item_id))) for item in items]


@dataclass
class WorkFilters:
    kind: str = ""  # a routing kind
    mark: str = ""  # one of MARKS, "queued" or "mine"
    holder: int | None = None  # supervisors: one operator's work; 0 = unassigned
    text: str = ""  # in the item's label (number and subject)


def work_query(now: datetime, filters: WorkFilters, *, operator_id: int | None = None,
               kinds: set[str] | None = None) -> sa.Select:
    """Open work by deadline.  With ``operator_id``: what they hold and the queue of the ``kinds`` they serve;
    without: the whole team's, unassigned included (supervisors)."""
    query = sa.select(WorkItem).where(WorkItem.status != WorkStatus.DONE)
    if operator_id is not None:
        mine = sa.and_(WorkItem.status == WorkStatus.ASSIGNED, WorkItem.assignee_id == operator_id)
        queued = sa.and_(WorkItem.status == WorkStatus.QUEUED, WorkItem.kind.in_(sorted(kinds or ())))
        query = query.where(sa.or_(mine, queued))
    if filters.kind:
        query = query.where(WorkItem.kind == filters.kind)
    if filters.holder is not None:
        query = query.where(WorkItem.assignee_id.is_(None) if filters.holder == 0
                            else WorkItem.assignee_id == filters.holder)
    if filters.text:
        escaped = filters.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(WorkItem.label.ilike(f"%{escaped}%", escape="\\"))
    query = query.where(_mark_condition(filters.mark, now, operator_id))
    return query.order_by(WorkItem.due_at.is_(None), WorkItem.due_at, WorkItem.created_at, WorkItem.id)


def _mark_condition(mark: str, now: datetime, operator_id: int | None):
    if mark == "escalated":
        return WorkItem.escalated_at.is_not(None)
    if mark == "overdue":
        return WorkItem.due_at <= now
    if mark == "due-soon":
        return sa.and_(WorkItem.warn_at <= now, WorkItem.due_at > now)
    if mark == "queued":
        return WorkItem.status == WorkStatus.QUEUED
    if mark == "mine" and operator_id is not None:
        return WorkItem.assignee_id == operator_id
    return sa.true()
