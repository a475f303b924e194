"""Refunds and cancellations of paid invoices: one finance officer asks, another decides.

The payment stays on record (the money did arrive); an approved refund marks the
invoice ``refunded``, cancels the order and ends its download links.  Deciding
locks the request row, so a double-clicked or replayed approval changes nothing
the second time.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from core import audit, clock
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.extensions import db
from orders import states
from orders.finance.models import RefundRequest, RefundStatus
from orders.fulfilment import close_task
from orders.invoicing import lock_invoice
from orders.models import DeliveredFile, FulfilmentTask, Invoice, InvoiceStatus, OrderState, TaskState

MIN_REASON = 10


def request_refund(user, invoice_id: int, reason: str) -> RefundRequest:
    """Ask for the refund of a paid invoice, with a reason a second officer will read."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise Invalid(_("Give the reason for the refund (at least %(n)d characters).", n=MIN_REASON))
    invoice = lock_invoice(sa.select(Invoice).where(Invoice.id == invoice_id))
    if invoice is None:
        raise NotFound(_("Invoice not found."))
    if invoice.status is not InvoiceStatus.PAID or invoice.payment is None:
        raise Conflict(_("Only a paid invoice can be refunded."))
    refund = RefundRequest(invoice_id=invoice.id, amount=invoice.payment.amount, reason=reason[:4000],
                           status=RefundStatus.REQUESTED, requested_by_id=user.id, requested_at=clock.now())
    db.session.add(refund)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise Conflict(_("A refund of this invoice has already been asked for.")) from None
    audit.record("finance.refund_request", invoice, user, number=invoice.number, amount=refund.amount, reason=reason)
    db.session.commit()
    return refund


def decide_refund(user, refund_id: int, approve: bool, note: str = "") -> RefundRequest:
    """Approve or decline a requested refund; the requester may not decide their own request."""
    refund = db.session.scalars(sa.select(RefundRequest).where(RefundRequest.id == refund_id)
                                .with_for_update(of=RefundRequest.__table__)
                                .execution_options(populate_existing=True)).first()
    if refund is None:
        raise NotFound(_("Refund request not found."))
    if refund.status is not RefundStatus.REQUESTED:
        raise Conflict(_("This refund request has already been decided."))
    if refund.requested_by_id == user.id:
        raise Forbidden(_("A second finance officer must decide on a refund you asked for."))
    if not approve and not (note or "").strip():
        raise Invalid(_("Say why the refund is declined."))
    refund.status = RefundStatus.APPROVED if approve else RefundStatus.DECLINED
    refund.decided_by_id, refund.decided_at, refund.decision_note = user.id, clock.now(), (note or "").strip()[:4000]
    if approve:
        _refund_invoice(refund, user)
    audit.record(f"finance.refund_{'approve' if approve else 'decline'}", ("Invoice", refund.invoice_id), user,
                 refund=refund.id, amount=refund.amount, note=refund.decision_note)
    db.session.commit()
    return refund


def _refund_invoice(refund: RefundRequest, user) -> None:
    invoice = lock_invoice(sa.select(Invoice).where(Invoice.id == refund.invoice_id))
    if invoice.status is not InvoiceStatus.PAID:
        raise Conflict(_("The invoice is no longer paid; nothing to refund."))
    states.INVOICES.apply(invoice, "refund", InvoiceStatus.REFUNDED, user, refund=refund.id)
    order = invoice.order
    if not order.state.is_final or order.state is OrderState.DELIVERED:
        states.apply(order, "refund", OrderState.CANCELLED, user, invoice=invoice.number, refund=refund.id)
    now = clock.now()
    db.session.execute(sa.update(DeliveredFile).where(DeliveredFile.order_id == order.id,
                                                      DeliveredFile.expires_at > now).values(expires_at=now))
    task = db.session.scalar(sa.select(FulfilmentTask).where(FulfilmentTask.order_id == order.id,
                                                            FulfilmentTask.state == TaskState.OPEN))
    if task is not None:
        close_task(task, "refund", user, refund=refund.id)
