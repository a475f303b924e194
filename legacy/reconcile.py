"""The reconciliation: counts and money per entity and month, source against Statdesk, to the rupiah.

The source side is what the run accepted (``Outcome.source_totals``: every accepted
row, changed or not, counted in the month of its date in the office's time zone;
consumers merged into another account under ``merged``).  The Statdesk side is read
back from the database through ``LegacyRecord``: the stored dates and amounts of
every row the imports of that entity made.  Any difference is a line of the report.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from accounts.models import User
from consultation.models import Message, Ticket
from core.extensions import db
from core.timefmt import local_zone
from legacy.models import LegacyRecord
from legacy.writers import MERGED
from orders.models import Invoice, Order, OrderLine, Payment

# entity -> (model, its date column, its money column or None, a model to join for the date)
SIDES = {
    "consumers": (User, User.created_at, None),
    "consultations": (Ticket, Ticket.submitted_at, None),
    "messages": (Message, Message.created_at, None),
    "orders": (Order, Order.created_at, Order.total),
    "order_lines": (OrderLine, Order.created_at, OrderLine.amount),
    "invoices": (Invoice, Invoice.created_at, Invoice.amount),
    "payments": (Payment, Payment.paid_at, Payment.amount),
}


@dataclass(frozen=True)
class Line:
    entity: str
    month: str
    source_count: int
    source_money: int
    statdesk_count: int
    statdesk_money: int

    @property
    def matches(self) -> bool:
        return (self.source_count, self.source_money) == (self.statdesk_count, self.statdesk_money)


def statdesk_totals(entity: str) -> dict[str, list[int]]:
    model, moment, money = SIDES[entity]
    query = (sa.select(LegacyRecord.note, moment, money if money is not None else sa.literal(0))
             .select_from(LegacyRecord).join(model, model.id == LegacyRecord.target_id)
             .where(LegacyRecord.entity == entity))
    if model is OrderLine:
        query = query.join(Order, Order.id == OrderLine.order_id)
    zone = local_zone()
    totals: dict[str, list[int]] = {}
    for note, at, amount in db.session.execute(query.execution_options(yield_per=5000)):
        month = MERGED if note == MERGED else at.astimezone(zone).strftime("%Y-%m")
        bucket = totals.setdefault(month, [0, 0])
        bucket[0] += 1
        bucket[1] += int(amount or 0)
    return totals


def reconcile(source_totals: dict[str, dict[str, list[int]]], entities) -> list[Line]:
    """One line per entity and month that either side holds, in entity then month order."""
    lines = []
    for entity in entities:
        if entity not in SIDES:
            continue
        ours = source_totals.get(entity, {})
        theirs = statdesk_totals(entity)
        for month in sorted(set(ours) | set(theirs)):
            source, statdesk = ours.get(month, [0, 0]), theirs.get(month, [0, 0])
            lines.append(Line(entity, month, source[0], source[1], statdesk[0], statdesk[1]))
    return lines


def differences(lines: list[Line]) -> list[Line]:
    return [line for line in lines if not line.matches]
