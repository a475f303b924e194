"""The one path by which money is recorded: ``record_payment``.

Bank callbacks, Stripe webhooks, the bank simulator, the CLI and the bank
statement import all call it.  It is idempotent per provider reference: the same
payment reported any number of times, at once or in any order, yields one
``Payment``, one order transition and one fulfilment.  The invoice row is locked
while deciding, and unique constraints (one payment per invoice, one per
provider reference) back the decision up in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from core import audit, clock
from core.extensions import db
from orders import states
from orders.invoicing import lock_invoice
from orders.models import Invoice, InvoiceStatus, Payment


class PaymentProblem(Exception):
    """A report of payment that must change nothing; ``status`` is the HTTP answer (4xx)."""

    def __init__(self, reason: str, status: int, message: str):
        super().__init__(message)
        self.reason = reason
        self.status = status
        self.message = message


@dataclass(frozen=True)
class PaymentResult:
    payment_id: int
    invoice_number: str
    created: bool  # False when this exact payment had been recorded before


def record_payment(*, invoice_query: sa.Select, provider: str, reference: str, amount: int,
                   paid_at: datetime | None = None, ntpn: str = "", source: str, actor=None,
                   commit: bool = True) -> PaymentResult:
    """Record that ``amount`` rupiah paid the invoice that ``invoice_query`` selects.

    Raises ``PaymentProblem`` (nothing changed; the caller rolls back and audits it)
    for an unknown invoice, a closed or expired one, a wrong amount, or an invoice
    already paid under another reference.  With ``commit=False`` the caller commits
    (a webhook does, to store its event id in the same transaction).
    """
    if not reference:
        raise PaymentProblem("missing_reference", 400, _("The payment has no reference."))
    existing = _existing(provider, reference, amount, invoice_query)
    if existing is not None:
        return existing
    invoice = lock_invoice(invoice_query)
    if invoice is None:
        raise PaymentProblem("unknown_reference", 404, _("No invoice matches this payment."))
    if invoice.payment is not None:
        if invoice.payment.provider == provider and invoice.payment.reference == reference:
            return PaymentResult(invoice.payment.id, invoice.number, False)
        raise PaymentProblem("already_paid", 409, _("This invoice has already been paid."))
    _check_payable(invoice, amount, paid_at)
    payment = Payment(invoice=invoice, provider=provider, reference=reference[:255], amount=amount,
                      ntpn=(ntpn or "")[:32], source=source, paid_at=paid_at or clock.now(),
                      recorded_at=clock.now())
    db.session.add(payment)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        # Another transaction recorded this reference between our check and our insert.
        db.session.rollback()
        existing = _existing(provider, reference, amount, invoice_query)
        if existing is None:
            raise PaymentProblem("conflict", 409, _("This payment conflicts with another one.")) from None
        return existing
    # The transition's one audit entry ("invoice.pay") carries the payment's particulars.
    states.INVOICES.apply(invoice, "pay", InvoiceStatus.PAID, actor, amount=amount, provider=provider,
                          reference=reference, ntpn=ntpn, source=source)
    invoice.closed_at = clock.now()
    invoice.amount_received = amount
    _clear_order(invoice, actor)
    result = PaymentResult(payment.id, invoice.number, True)
    if commit:
        db.session.commit()
    return result


def _existing(provider: str, reference: str, amount: int, invoice_query: sa.Select) -> PaymentResult | None:
    """The payment already recorded under this reference.

    The same reference reported with another amount, or for another invoice, is a conflict.
    """
    row = db.session.execute(sa.select(Payment.id, Payment.amount, Payment.invoice_id, Invoice.number)
                             .join(Invoice).where(Payment.provider == provider, Payment.reference == reference)).first()
    if row is None:
        return None
    same_invoice = db.session.scalar(invoice_query.where(Invoice.id == row.invoice_id).with_only_columns(Invoice.id))
    if row.amount != amount or same_invoice is None:
        raise PaymentProblem("reference_conflict", 409, _("This payment conflicts with another one."))
    return PaymentResult(row.id, row.number, False)


def _check_payable(invoice: Invoice, amount: int, paid_at: datetime | None) -> None:
    """Open, not expired when the money was paid (the bank's time, never later than now), exact amount."""
    if invoice.status is InvoiceStatus.CANCELLED:
        raise PaymentProblem("invoice_cancelled", 409, _("This invoice has been cancelled."))
    moment = min(paid_at, clock.now()) if paid_at else clock.now()
    if invoice.status is InvoiceStatus.EXPIRED or invoice.expires_at <= moment:
        raise PaymentProblem("expired", 410, _("This billing code has expired."))
    if isinstance(amount, bool) or not isinstance(amount, int) or amount != invoice.amount:
        raise PaymentProblem("wrong_amount", 422, _("The amount paid differs from the invoice amount."))


def _clear_order(invoice: Invoice, actor) -> None:
    from orders.emails import order_paid
    from orders.fulfilment import move_cleared_order

    order = invoice.order
    order_paid(order)
    move_cleared_order(order, "pay", actor, invoice=invoice.number)


def reject(problem: PaymentProblem, target=None, **details) -> None:
    """Undo everything of the refused report, then keep an audit entry of the refusal."""
    db.session.rollback()
    audit.record("payment.reject", target, None, reason=problem.reason, status=problem.status, **details)
    db.session.commit()
