"""Reminders of every routed item with a clock, at its warning time and at its deadline, once each.

Owners that remind their own items in their own words (consultations: ``consultation.sweeps``) say so with
``REMINDS_ITSELF``; every other item type (order reviews, fulfilment, …) is reminded here: the holder gets an
e-mail in their language, or the supervisors while nobody holds it.  Each reminder is recorded in
``WorkReminder`` under a unique key (item, the deadline it is about, stage) in the transaction of its e-mail,
so a second or simultaneous sweep sends nothing twice; a deadline that moves is reminded anew.
"""

from __future__ import annotations

import sqlalchemy as sa

from accounts.models import Role, User, UserRole
from core import clock, registry
from core.extensions import db
from core.outbox import queue_email
from core.transactions import commit_once
from roster.models import WorkItem, WorkReminder, WorkStatus

BATCH = 500

REMINDS_ITSELF: registry.ListSlot[str] = registry.ListSlot(
    "roster.reminds_itself", "item types whose owner sends its own reminders (the roster sweep skips them).")


def reminder_sweep() -> int:
    """Send each due reminder once; returns how many were sent."""
    now = clock.now()
    skip = list(REMINDS_ITSELF.get())
    sent = 0
    for stage, trigger in (("warning", WorkItem.warn_at), ("breach", WorkItem.due_at)):
        already = sa.select(WorkReminder.id).where(WorkReminder.work_item_id == WorkItem.id,
                                                   WorkReminder.due_at == WorkItem.due_at,
                                                   WorkReminder.stage == stage)
        query = (sa.select(WorkItem.id).where(WorkItem.status != WorkStatus.DONE, trigger <= now,
                                              WorkItem.due_at.is_not(None), ~sa.exists(already))
                 .order_by(WorkItem.id).limit(BATCH))
        if skip:
            query = query.where(WorkItem.item_type.not_in(skip))
        for item_id in db.session.scalars(query).all():
            sent += _send_once(item_id, stage)
    return sent


def _send_once(item_id: int, stage: str) -> int:
    item = db.session.get(WorkItem, item_id)

    def send() -> None:
        holder = item.assignee if item.status is WorkStatus.ASSIGNED else None
        recipients = [holder] if holder is not None else db.session.scalars(sa.select(User).join(UserRole).where(
            UserRole.role == Role.SUPERVISOR, User.active.is_(True), User.email.is_not(None))).all()
        for person in recipients:
            if person.email:
                queue_email(person.email, "roster/email/reminder", locale=person.locale, kind="work_reminder",
                            name=person.full_name, item=item, stage=stage, due_at=item.due_at,
                            queued=holder is None)

    return commit_once(WorkReminder(work_item_id=item.id, due_at=item.due_at, stage=stage, sent_at=clock.now()),
                       send)
