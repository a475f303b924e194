"""Invoices: gapless numbers per year, billing codes, expiry and cancellation.

Numbers come from a counter row per year that the issuing transaction increments
and so locks until it commits (``UPDATE … RETURNING``: a row lock on PostgreSQL, the
write lock on SQLite).  A rolled-back issue rolls the counter back with it, so
``INV/2026/000123`` numbers have no gaps, unlike a database sequence.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core import clock, unit_of_work
from core.extensions import db
from orders import states
from orders.models import Invoice, InvoiceCounter, InvoiceStatus, Order, OrderState

BILLING_CODE_LENGTH = 15


def next_invoice_sequence(year: int) -> int:
    """Take the next number of ``year``; the counter row stays locked until the caller commits."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(InvoiceCounter).values(year=year, last_number=0)
                       .on_conflict_do_nothing(index_elements=["year"]))
    return db.session.execute(
        sa.update(InvoiceCounter).where(InvoiceCounter.year == year)
        .values(last_number=InvoiceCounter.last_number + 1)
        .returning(InvoiceCounter.last_number)
    ).scalar_one()


def format_invoice_number(year: int, sequence: int) -> str:
    return f"INV/{year}/{sequence:06d}"


def luhn_digit(digits: str) -> str:
    """The check digit that makes ``digits + check`` pass the Luhn test (catches typos at the bank)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            value -= 9 if value > 9 else 0
        total += value
    return str((10 - total % 10) % 10)


def new_billing_code() -> str:
    """A random 15-digit billing code / virtual-account number with a Luhn check digit."""
    body = str(secrets.randbelow(9 * 10 ** (BILLING_CODE_LENGTH - 2)) + 10 ** (BILLING_CODE_LENGTH - 2))
    return body + luhn_digit(body)


def is_well_formed_billing_code(code: str) -> bool:
    return (len(code) == BILLING_CODE_LENGTH and code.isdigit()
            and luhn_digit(code[:-1]) == code[-1])


def issue_invoice(order: Order, provider_name: str, actor=None) -> Invoice:
    """Create the order's one invoice inside the caller's transaction (not committed here)."""
    if order.invoice is not None:
        return order.invoice
    now = clock.now()
    year = now.year
    sequence = next_invoice_sequence(year)
    invoice = Invoice(order=order, number=format_invoice_number(year, sequence), year=year, sequence=sequence,
                      amount=order.total, provider=provider_name,
                      expires_at=now + timedelta(hours=current_app.config["STATDESK_INVOICE_EXPIRY_HOURS"]))
    db.session.add(invoice)
    db.session.flush()
    states.INVOICES.start(invoice, InvoiceStatus.OPEN, actor, event="issue", amount=invoice.amount,
                          provider=provider_name, order=order.number)
    return invoice


def close_invoice(invoice: Invoice, status: InvoiceStatus, actor=None, reason: str = "") -> None:
    """Expire or cancel an open invoice and release its order (state ``expired`` / ``cancelled``)."""
    if invoice.status is not InvoiceStatus.OPEN:
        return
    event = "expire" if status is InvoiceStatus.EXPIRED else "cancel"
    states.INVOICES.apply(invoice, event, status, actor, reason=reason)
    invoice.closed_at = clock.now()
    order = invoice.order
    if order.state is OrderState.AWAITING_PAYMENT:
        target = OrderState.EXPIRED if status is InvoiceStatus.EXPIRED else OrderState.CANCELLED
        states.apply(order, event, target, actor, invoice=invoice.number, reason=reason)
        from orders.eligibility import release_claims

        release_claims(order)


def lock_invoice(query) -> Invoice | None:
    """Run an invoice query holding the row lock (PostgreSQL) until the transaction ends."""
    return db.session.scalars(query.with_for_update().execution_options(populate_existing=True)).first()


def expire_due_invoices(limit: int = 500) -> int:
    """The expiry sweep: close every open invoice past its expiry.  Safe to run repeatedly and at once."""
    ids = db.session.scalars(sa.select(Invoice.id).where(Invoice.status == InvoiceStatus.OPEN,
                                                         Invoice.expires_at <= clock.now())
                             .order_by(Invoice.id).limit(limit)).all()
    db.session.rollback()
    expired = 0
    for invoice_id in ids:
        invoice = lock_invoice(sa.select(Invoice).where(Invoice.id == invoice_id))
        closing = invoice is not None and invoice.status is InvoiceStatus.OPEN and invoice.expires_at <= clock.now()
        if closing:
            from orders.payments import withdraw_closed

            close_invoice(invoice, InvoiceStatus.EXPIRED, reason="expired")
            unit_of_work.after_commit(withdraw_closed, invoice)
            expired += 1
        db.session.commit()
    return expired
