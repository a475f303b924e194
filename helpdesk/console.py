"""The supervisors' team workload and taking queued work (the work list itself is ``roster.worklist``)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from core.errors import Conflict, NotFound
from core.extensions import db
from roster import engine
from roster.duty import kinds_served_by
from roster.models import WorkItem, WorkStatus


def team_workload(operators, now: datetime, on_duty_ids: set[int]) -> tuple[list[dict], dict]:
    """Per operator, and for work nobody holds yet: open items, overdue items, on duty now (two grouped queries)."""
    holder = sa.case((WorkItem.status == WorkStatus.ASSIGNED, WorkItem.assignee_id), else_=None)
    open_items = sa.select(holder.label("holder"), sa.func.count()).where(WorkItem.status != WorkStatus.DONE)
    open_counts = dict(db.session.execute(open_items.group_by(holder)).all())
    overdue_counts = dict(db.session.execute(open_items.where(WorkItem.due_at <= now).group_by(holder)).all())
    rows = [{"operator": op, "open": open_counts.get(op.id, 0), "overdue": overdue_counts.get(op.id, 0),
             "on_duty": op.id in on_duty_ids} for op in operators]
    return rows, {"open": open_counts.get(None, 0), "overdue": overdue_counts.get(None, 0)}


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
