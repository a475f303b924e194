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
from core.errors import Conflict, DomainError, Gone, Invalid, NotFound, Unprocessable
from core.extensions import db
from orders import states
from orders.invoicing import lock_invoice
from orders.models import Invoice, InvoiceStatus, Payment

# A report of payment that must change nothing is refused with a ``DomainError`` whose ``reason``
# extension is the machine-readable word the bank and Stripe answers carry (its class gives the status).
PaymentProblem = DomainError


def reason_of(problem: DomainError) -> str:
    """The refusal's machine-readable reason (``refused`` for a domain error raised without one)."""
    return problem.members.get("reason", "refused")


@dataclass(frozen=True)
class PaymentResult:
    payment_id: int
    invoice_number: str
    created: bool  # False when this exact payment had been recorded before


def record_payment(*, invoice_query: sa.Select, provider: str, reference: str, amount: int,
                   paid_at: datetime | None = None, ntpn: str = "", source: str, actor=None,
                   commit: bool = True) -> PaymentResult:
    """Record that ``amount`` rupiah paid the invoice that ``invoice_query`` selects.

    Raises a ``DomainError`` with a ``reason`` (nothing changed; the caller rolls back and audits it)
    for an unknown invoice, a closed or expired one, a wrong amount, or an invoice
    already paid under another reference.  With ``commit=False`` the caller commits
    (a webhook does, to store its event id in the same transaction).
    """
    invoice, recorded = check_payment(invoice_query=invoice_query, provider=provider, reference=reference,
                                      amount=amount, paid_at=paid_at)
    if recorded is not None:
        return recorded
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
            raise Conflict(_("This payment conflicts with another one."), reason="conflict") from None
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


def check_payment(*, invoice_query: sa.Select, provider: str, reference: str, amount: int,
                  paid_at: datetime | None = None) -> tuple[Invoice | None, PaymentResult | None]:
    """``record_payment``'s checks, without a write: its refusals are raised alike.

    Returns the invoice (locked until the transaction ends) and, when this exact payment
    has been recorded already, its result.  A request runs them before it accepts a report
    for processing, so that the provider hears of a refusal at once; ``record_payment``
    makes them again when it processes the report.
    """
    if not reference:
        raise Invalid(_("The payment has no reference."), reason="missing_reference")
    existing = _existing(provider, reference, amount, invoice_query)
    invoice = lock_invoice(invoice_query)
    if existing is not None:
        return invoice, existing
    if invoice is None:
        raise NotFound(_("No invoice matches this payment."), reason="unknown_reference")
    if invoice.payment is not None:
        if invoice.payment.provider == provider and invoice.payment.reference == reference:
            return invoice, PaymentResult(invoice.payment.id, invoice.number, False)
        raise Conflict(_("This invoice has already been paid."), reason="already_paid")
    _check_payable(invoice, amount, paid_at)
    return invoice, None


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
        raise Conflict(_("This payment conflicts with another one."), reason="reference_conflict")
    return PaymentResult(row.id, row.number, False)


def _check_payable(invoice: Invoice, amount: int, paid_at: datetime | None) -> None:
    """Open, not expired when the money was paid (the bank's time, never later than now), exact amount."""
    if invoice.status is InvoiceStatus.CANCELLED:
        raise Conflict(_("This invoice has been cancelled."), reason="invoice_cancelled")
    moment = min(paid_at, clock.now()) if paid_at else clock.now()
    if invoice.status is InvoiceStatus.EXPIRED or invoice.expires_at <= moment:
        raise Gone(_("This billing code has expired."), reason="expired")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount != invoice.amount:
        raise Unprocessable(_("The amount paid differs from the invoice amount."), reason="wrong_amount")


def _clear_order(invoice: Invoice, actor) -> None:
    from orders.emails import order_paid
    from orders.fulfilment import move_cleared_order

    order = invoice.order
    order_paid(order)
    move_cleared_order(order, "pay", actor, invoice=invoice.number)


def reject(problem: DomainError, target=None, **details) -> None:
    """Undo everything of the refused report, then keep an audit entry of the refusal."""
    db.session.rollback()
    audit.record("payment.reject", target, None, reason=reason_of(problem), status=problem.status, **details)
    db.session.commit()
