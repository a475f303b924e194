"""Operator review, the data-use agreement, cancellation and fulfilment tasks.

Like ``orders.services``: check who acts, validate, move the state machine, audit,
queue e-mail, commit once.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from core import audit, clock, unit_of_work
from core.errors import Conflict, Invalid, NotFound
from core.extensions import db
from core.locks import locked
from orders import eligibility, review, states
from orders.emails import order_rejected
from orders.fulfilment import ITEM_TYPE, complete_task, move_cleared_order
from orders.invoicing import close_invoice, lock_invoice
from orders.models import FulfilmentTask, Invoice, InvoiceStatus, Order, OrderState, TaskState, TransactionKind
from orders.payments import withdraw_closed
from orders.permissions import is_staff, require_service_staff
from orders.services import open_invoice, publish_invoices, store_data_file, store_document
from roster import engine
from roster.models import WorkStatus


def order_for(user, order_id: int, *, staff_view: bool = False) -> Order:
    """The order if ``user`` may see it: its owner, or staff on a staff page; otherwise 404."""
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFound(_("Order not found."))
    if order.user_id == user.id and not staff_view:
        return order
    if staff_view and is_staff(user):
        return order
    raise NotFound(_("Order not found."))


def approve(order: Order, actor, sample=None) -> None:
    """An operator accepts the abstract (and the zero-rupiah letter); the order goes on."""
    require_service_staff(actor)
    if sample is not None and getattr(sample, "filename", ""):
        stored, filename = store_data_file(sample, "orders/samples")
        order.sample_key, order.sample_name = stored.key, filename
    order.reviewed_by_id = actor.id
    if order.kind is TransactionKind.PAID:
        states.apply(order, "approve", OrderState.AWAITING_PAYMENT, actor)
        open_invoice(order, actor)
    else:
        move_cleared_order(order, "approve", actor)
    review.finish(order)
    unit_of_work.after_commit(publish_invoices, [order])
    db.session.commit()


def reject(order: Order, actor, reason: str) -> None:
    """An operator turns the order down with a reason the consumer sees."""
    require_service_staff(actor)
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise Invalid(_("Give the consumer a reason (at least a few words)."))
    order.review_reason = reason[:4000]
    order.reviewed_by_id = actor.id
    states.apply(order, "reject", OrderState.REJECTED, actor, reason=order.review_reason)
    review.finish(order)
    eligibility.release_claims(order)
    order_rejected(order)
    db.session.commit()


def cancel(order: Order, user) -> None:
    """The owner withdraws an order that is not yet paid; an open invoice is cancelled with it."""
    if order.state is OrderState.AWAITING_PAYMENT and order.invoice is not None:
        invoice = lock_invoice(sa.select(Invoice).where(Invoice.id == order.invoice.id))
        if invoice.status is not InvoiceStatus.OPEN:
            raise Conflict(_("This invoice is no longer open."))
        close_invoice(invoice, InvoiceStatus.CANCELLED, user, reason="cancelled by consumer")
        unit_of_work.after_commit(withdraw_closed, invoice)
        db.session.commit()
        return
    under_review = order.state in (OrderState.PENDING_REVIEW, OrderState.AWAITING_REVISION)
    states.apply(order, "cancel", OrderState.CANCELLED, user)
    if under_review:
        review.finish(order)
    eligibility.release_claims(order)
    db.session.commit()


def accept_agreement(order: Order, user, signed_copy=None) -> None:
    """The owner accepts the data-use agreement (SPPD) online, or uploads a signed copy."""
    if not order.needs_agreement:
        raise Conflict(_("This order needs no data-use agreement."))
    if order.state not in {OrderState.AWAITING_PAYMENT, OrderState.AWAITING_AGREEMENT}:
        raise Conflict(_("The agreement can be accepted once the order has been approved."))
    if order.agreement_accepted_at is not None:
        return
    if signed_copy is not None and getattr(signed_copy, "filename", ""):
        order.agreement_signed_key = store_document(signed_copy, "orders/agreements")[0].key
    order.agreement_accepted_at = clock.now()
    audit.record("order.agreement_accepted", order, user, number=order.number,
                 signed_copy=bool(order.agreement_signed_key))
    if order.state is OrderState.AWAITING_AGREEMENT:
        move_cleared_order(order, "sign_agreement", user)
    db.session.commit()


def take_task(task: FulfilmentTask, actor) -> None:
    """An operator takes an open task nobody prepares yet: out of the queue, within their quota.

    The task's work item is locked first, then the task (the roster engine's lock
    order), so of simultaneous takes one wins and the others find it taken.
    """
    require_service_staff(actor)
    item = engine.locked_work_item_for(ITEM_TYPE, task.id)
    task = db.session.scalars(locked(sa.select(FulfilmentTask).where(FulfilmentTask.id == task.id))).one()
    if task.state is not TaskState.OPEN:
        raise Conflict(_("This task is already done."))
    if task.assignee_id == actor.id:
        return
    if task.assignee_id is not None or (item is not None and item.status is not WorkStatus.QUEUED):
        raise Conflict(_("Another operator is preparing this order."))
    if item is not None:
        engine.take(item, actor)  # the decision log records a take by the operator; QuotaReached is a 409
    task.assignee_id = actor.id
    audit.record("fulfilment.take", task, actor, order=task.order.number)
    db.session.commit()


def finish_task(task: FulfilmentTask, actor, uploads: list) -> None:
    """The operator uploads the prepared files; the order is delivered."""
    require_service_staff(actor)
    if task.state is not TaskState.OPEN or task.order.state is not OrderState.IN_FULFILMENT:
        raise Conflict(_("This task is already done."))
    files = [store_data_file(upload, "orders/deliveries") for upload in uploads if getattr(upload, "filename", "")]
    if not files:
        raise Invalid(_("Upload at least one prepared file."))
    complete_task(task, actor, files)
    db.session.commit()
