"""The monthly state non-tax revenue (PNBP) recap.

Revenue is what was paid in the month (by payment date, office time zone), less
refunds approved in the month; it is split by product kind (from the order lines,
which hold the tariff price of each product) and by consumer segment.  Beside it,
the services given without charge: free and zero-rupiah orders placed in the month
(not rejected, cancelled or expired), counted, with the zero-rupiah ones' value at
tariff shown as revenue forgone.  Internal orders are counted too.  Of the revenue,
what standing orders brought (orders placed for each new release of a series) is
shown on its own line.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from core.errors import Invalid
from core.extensions import db
from orders.finance.models import RefundRequest, RefundStatus
from orders.finance.queries import utc_bounds
from orders.models import Invoice, Order, OrderLine, OrderState, Payment, TransactionKind
from orders.services import STANDING_PREFIX

CLOSED = (OrderState.REJECTED, OrderState.CANCELLED, OrderState.EXPIRED)


@dataclass
class Recap:
    start: date
    end: date
    revenue_by_product: dict[str, int] = field(default_factory=dict)
    revenue_by_segment: dict[str, int] = field(default_factory=dict)
    payments: int = 0
    gross: int = 0
    # of which imported from the old system (orders/history.py): legacy invoices paid in the month
    legacy_payments: int = 0
    legacy_gross: int = 0
    refunds: int = 0
    refunded: int = 0
    standing_payments: int = 0  # payments of orders a standing order placed (``services.STANDING_PREFIX``)
    standing_revenue: int = 0
    # transaction kind -> product kind -> (orders, value at tariff)
    uncharged: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)

    @property
    def net(self) -> int:
        return self.gross - self.refunded

    @property
    def forgone(self) -> int:
        return sum(value for _, value in self.uncharged.get(TransactionKind.ZERO_RUPIAH.value, {}).values())


def parse_month(raw: str, today: date) -> date:
    if not raw:
        return today.replace(day=1)
    try:
        year, month = (int(part) for part in raw.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise Invalid(_("The month must be written YYYY-MM.")) from None


def monthly_recap(month: date) -> Recap:
    return period_recap(month, date(month.year, month.month, calendar.monthrange(month.year, month.month)[1]))


def period_recap(start: date, end: date) -> Recap:
    """The recap of the office-time days ``start``..``end`` (inclusive)."""
    lower, upper = utc_bounds(start, end)
    recap = Recap(start, end)
    paid = (sa.select(Payment.invoice_id).where(Payment.paid_at >= lower, Payment.paid_at < upper)).subquery()
    by_product = db.session.execute(
        sa.select(OrderLine.item_kind, sa.func.sum(OrderLine.amount))
        .join(Order, OrderLine.order_id == Order.id).join(Invoice, Invoice.order_id == Order.id)
        .where(Invoice.id.in_(sa.select(paid.c.invoice_id))).group_by(OrderLine.item_kind))
    recap.revenue_by_product = {kind: int(total) for kind, total in by_product}
    by_segment = db.session.execute(
        sa.select(Order.segment, sa.func.count(), sa.func.sum(Payment.amount))
        .join(Invoice, Invoice.order_id == Order.id).join(Payment, Payment.invoice_id == Invoice.id)
        .where(Payment.paid_at >= lower, Payment.paid_at < upper).group_by(Order.segment))
    for segment, count, total in by_segment:
        recap.revenue_by_segment[segment or "-"] = int(total)
        recap.payments += count
        recap.gross += int(total)
    standing = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Payment.amount), 0))
        .join(Invoice, Payment.invoice_id == Invoice.id).join(Order, Invoice.order_id == Order.id)
        .where(Payment.paid_at >= lower, Payment.paid_at < upper,
               Order.checkout_token.startswith(STANDING_PREFIX, autoescape=True))).one()
    recap.standing_payments, recap.standing_revenue = standing[0], int(standing[1])
    legacy = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Payment.amount), 0))
        .join(Invoice, Payment.invoice_id == Invoice.id)
        .where(Invoice.legacy.is_(True), Payment.paid_at >= lower, Payment.paid_at < upper)).one()
    recap.legacy_payments, recap.legacy_gross = legacy[0], int(legacy[1])
    refunds = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(RefundRequest.amount), 0))
        .where(RefundRequest.status == RefundStatus.APPROVED, RefundRequest.decided_at >= lower,
               RefundRequest.decided_at < upper)).one()
    recap.refunds, recap.refunded = refunds[0], int(refunds[1])
    uncharged = db.session.execute(
        sa.select(Order.kind, OrderLine.item_kind, sa.func.count(sa.distinct(Order.id)), sa.func.sum(OrderLine.amount))
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(Order.kind != TransactionKind.PAID, Order.state.not_in(CLOSED),
               Order.created_at >= lower, Order.created_at < upper)
        .group_by(Order.kind, OrderLine.item_kind))
    for kind, product, orders, value in uncharged:
        recap.uncharged.setdefault(kind.value, {})[product] = (orders, int(value or 0))
    return recap
