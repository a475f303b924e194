"""Orders, lines, invoices and payments brought over from another system (``legacy``), as closed history.

Everything is marked ``legacy`` and keeps the old system's numbers: an imported
invoice has no ``sequence``, so it never takes a number of the gapless series of
new invoices (``orders/invoicing.py``), is never issued, re-invoiced or expired (it
is written already paid, cancelled, expired or refunded); its payment is recorded
with the provider ``legacy`` and its original date, so it counts in the PNBP recap
of the month it was paid in (``orders/finance/recap.py`` shows the legacy share).
No signal is sent and no fulfilment task is created.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.bulk import insert_returning_ids
from core.extensions import db
from orders import states
from orders.models import Invoice, InvoiceStatus, Order, OrderLine, OrderState, Payment

PROVIDER = "legacy"
FINISHED_ORDERS = tuple(state for state in OrderState if state.is_final)
FINISHED_INVOICES = (InvoiceStatus.PAID, InvoiceStatus.CANCELLED, InvoiceStatus.EXPIRED, InvoiceStatus.REFUNDED)


def _orders(rows: list[dict]) -> list[dict]:
    for row in rows:
        if row.get("state") not in FINISHED_ORDERS:
            raise ValueError(f"imported orders are closed history, not {row.get('state')}")
        row.update(legacy=True, updated_at=row["created_at"],
                   delivered_at=row["created_at"] if row["state"] is OrderState.DELIVERED else None)
    return rows


def insert_orders(rows: list[dict]) -> list[int]:
    if not rows:
        return []
    return insert_returning_ids(Order, _orders(rows))


def update_orders(rows: list[dict]) -> None:
    if rows:
        db.session.execute(sa.update(Order), _orders(rows))


def insert_lines(rows: list[dict]) -> list[int]:
    if not rows:
        return []
    return insert_returning_ids(OrderLine, rows)


def update_lines(rows: list[dict]) -> None:
    if rows:
        db.session.execute(sa.update(OrderLine), rows)


def _invoices(rows: list[dict]) -> list[dict]:
    for row in rows:
        issued = row["created_at"]
        row.update(legacy=True, sequence=None, year=issued.year, provider=PROVIDER, expires_at=issued,
                   updated_at=issued, closed_at=None if row["status"] is InvoiceStatus.PAID else issued)
    return rows


def insert_invoices(rows: list[dict]) -> list[int]:
    """Insert finished legacy invoices (``number``, ``order_id``, ``amount``, ``status``, ``created_at``)."""
    return states.INVOICES.insert_history(Invoice, _invoices(rows), FINISHED_INVOICES)


def update_invoices(rows: list[dict]) -> None:
    states.INVOICES.update_history(Invoice, _invoices(rows), FINISHED_INVOICES)


def _payments(rows: list[dict]) -> list[dict]:
    for row in rows:
        row.update(provider=PROVIDER, recorded_at=row["paid_at"])
    return rows


def insert_payments(rows: list[dict]) -> list[int]:
    if not rows:
        return []
    return insert_returning_ids(Payment, _payments(rows))


def update_payments(rows: list[dict]) -> None:
    if rows:
        db.session.execute(sa.update(Payment), _payments(rows))
