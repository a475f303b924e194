"""Escalation: work whose deadline passed ``STATDESK_ESCALATE_AFTER`` of working time ago goes to the supervisors.

Every list marks an item as overdue the moment its deadline (``WorkItem.due_at``, kept by the owner) passes.
When it stays breached for the configured working time (``4h`` unless told), the ``roster.escalation`` sweep
sets ``escalated_at``: the item appears on the supervisors' list of escalated work, in the reports, and its
decision log says when and why.  A conditional UPDATE claims each item, so two sweeps at once escalate it once.
The escalation ends by itself when the owner's next deadline lies ahead (``engine.set_clock``).
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from core import clock, registry
from core.extensions import db
from roster.calendar import parse_working_duration, working_calendar
from roster.models import AssignmentDecision, DecisionOutcome, WorkItem, WorkStatus

BATCH = 500

ESCALATE_AFTER: registry.Slot[timedelta] = registry.Slot(
    "roster.escalate_after", "working time a breached item waits before it goes on the supervisors' list, read "
    "once per app from STATDESK_ESCALATE_AFTER.",
    default=lambda app: parse_working_duration(app.config["STATDESK_ESCALATE_AFTER"]))


def escalation_sweep() -> int:
    """Escalate every item breached for longer than the setting; returns how many."""
    now = clock.now()
    after = ESCALATE_AFTER.get()
    calendar = working_calendar()
    breached = db.session.execute(
        sa.select(WorkItem.id, WorkItem.due_at, WorkItem.assignee_id)
        .where(WorkItem.status != WorkStatus.DONE, WorkItem.due_at <= now, WorkItem.escalated_at.is_(None))
        .order_by(WorkItem.due_at, WorkItem.id).limit(BATCH)).all()
    escalated = 0
    for item_id, due_at, holder in breached:
        if calendar.add_working_time(due_at, after) > now:
            continue
        claimed = db.session.execute(
            sa.update(WorkItem).where(WorkItem.id == item_id, WorkItem.escalated_at.is_(None),
                                      WorkItem.due_at == due_at, WorkItem.status != WorkStatus.DONE)
            .values(escalated_at=now).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            continue  # another sweep took it, or the clock moved meanwhile
        db.session.add(AssignmentDecision(work_item_id=item_id, at=now, outcome=DecisionOutcome.ESCALATED,
                                          operator_id=holder, reason={
                                              "code": "escalated", "due_at": due_at.isoformat(),
                                              "after_hours": round(after.total_seconds() / 3600, 2)}))
        escalated += 1
    db.session.commit()
    return escalated
