"""What happens once an order is cleared (paid, approved, or free): agreement, preparation, delivery.

Ready files are delivered at once; anything an operator must prepare (microdata
extracts, items without a ready file) becomes one ``FulfilmentTask`` per order,
routed by the roster engine (kind ``fulfilment``) to an operator on duty with room
under their quota, or queued until one has; the task is released when it is done.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _

from core import audit, clock
from core.extensions import db
from orders import states
from orders.models import DeliveredFile, FulfilmentTask, Order, OrderState, TaskState
from roster import engine

ROUTING_KIND = "fulfilment"
ITEM_TYPE = "order_fulfilment"


def next_state_when_cleared(order: Order) -> OrderState:
    if order.needs_agreement and order.agreement_accepted_at is None:
        return OrderState.AWAITING_AGREEMENT
    if any(line.needs_preparation for line in order.lines):
        return OrderState.IN_FULFILMENT
    return OrderState.DELIVERED


def move_cleared_order(order: Order, event: str, actor=None, **details) -> None:
    """Apply ``event`` to an order whose money and approvals are settled, and start its fulfilment."""
    target = next_state_when_cleared(order)
    if event == "create":
        states.start(order, target, actor)
    else:
        states.apply(order, event, target, actor, **details)
    after_state_change(order, actor)


def after_state_change(order: Order, actor=None) -> None:
    if order.state is OrderState.IN_FULFILMENT:
        open_task(order)
    elif order.state is OrderState.DELIVERED:
        deliver_ready_files(order)
        mark_delivered(order)


def open_task(order: Order) -> FulfilmentTask:
    """The order's one fulfilment task (created once, whatever calls it)."""
    task = db.session.scalar(sa.select(FulfilmentTask).where(FulfilmentTask.order_id == order.id))
    if task is None:
        task = FulfilmentTask(order=order)
        db.session.add(task)
        db.session.flush()
        states.TASKS.start(task, TaskState.OPEN, event="open")
        engine.submit(engine.Routable(ITEM_TYPE, task.id, ROUTING_KIND, order.number or ""))
    return task


def on_work_assigned(item, decision, actor=None) -> None:
    """Roster owner handler: a fulfilment task got an operator (at once, from the queue, or reassigned)."""
    task = db.session.get(FulfilmentTask, int(item.item_id))
    if task is not None and task.state is TaskState.OPEN:
        task.assignee_id = item.assignee_id
        audit.record("fulfilment.assigned", task, actor, order=task.order.number, operator=item.assignee_id)


def work_details(item_ids: list[str]):
    """Roster work-list details of fulfilment tasks (one query): the order, who ordered, a link to the desk."""
    from roster.worklist import WorkDetails

    tasks = db.session.scalars(sa.select(FulfilmentTask).options(sa.orm.joinedload(FulfilmentTask.order))
                               .where(FulfilmentTask.id.in_([int(i) for i in item_ids]))).all()
    return {str(task.id): WorkDetails(
        _("Prepare the data of order %(number)s", number=task.order.number or task.order_id),
        task.order.user.full_name if task.order.user else "", _("Website"),
        url_for("orders_desk.desk_order", order_id=task.order_id), task.created_at) for task in tasks}


def close_task(task: FulfilmentTask, event: str, actor=None, **details) -> None:
    """End the task by ``event`` (``done`` or ``refund``): its operator's load falls and queued work moves on."""
    states.TASKS.apply(task, event, TaskState.DONE, actor, **details)
    task.done_at = clock.now()
    engine.release(ITEM_TYPE, task.id)


def add_delivered_file(order: Order, storage_key: str, filename: str, size: int, sha256: str) -> DeliveredFile:
    config = current_app.config
    delivered = DeliveredFile(order_id=order.id, storage_key=storage_key, filename=filename, size=size,
                              sha256=sha256, max_downloads=config["STATDESK_DOWNLOAD_LIMIT"],
                              expires_at=clock.now() + timedelta(days=config["STATDESK_DOWNLOAD_LINK_DAYS"]))
    db.session.add(delivered)
    return delivered


def deliver_ready_files(order: Order) -> None:
    for line in order.lines:
        for file in line.options.get("files", []):
            add_delivered_file(order, file["storage_key"], file["filename"], file["size"], file["sha256"])


def mark_delivered(order: Order) -> None:
    order.delivered_at = clock.now()
    db.session.flush()
    from orders.emails import order_delivered

    order_delivered(order)


def complete_task(task: FulfilmentTask, actor, uploads: list) -> None:
    """An operator's prepared files (``StoredObject``, filename) deliver the order."""
    order = task.order
    for stored, filename in uploads:
        add_delivered_file(order, stored.key, filename, stored.size, stored.sha256)
    task.assignee_id = task.assignee_id or actor.id
    close_task(task, "done", actor, files=len(uploads))
    deliver_ready_files(order)
    states.apply(order, "deliver", OrderState.DELIVERED, actor)
    mark_delivered(order)
