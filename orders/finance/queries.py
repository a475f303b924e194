"""What the finance lists show: filtered invoices and payments, their totals, export rows.

Filters come from the query string and are checked here; a value that is not one
of the known ones answers 400 with a message rather than silently showing everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from accounts.models import Segment, User
from core.errors import Invalid
from core.timefmt import local_zone
from orders.models import Invoice, InvoiceStatus, Order, OrderLine, Payment, TransactionKind

PRODUCT_KINDS = ("publication", "map", "microdata")
PROVIDERS = ("local", "stripe")


@dataclass(frozen=True)
class Filters:
    start: date | None = None
    end: date | None = None  # inclusive
    status: InvoiceStatus | None = None
    kind: TransactionKind | None = None
    product: str = ""
    segment: Segment | None = None
    provider: str = ""

    def as_args(self) -> dict[str, str]:
        """The filters as query-string arguments (for export links and pagination)."""
        values = {"start": self.start and self.start.isoformat(), "end": self.end and self.end.isoformat(),
                  "status": self.status and self.status.value, "kind": self.kind and self.kind.value,
                  "product": self.product, "segment": self.segment and self.segment.value,
                  "provider": self.provider}
        return {key: value for key, value in values.items() if value}


def _enum(enum_class, raw: str, label: str):
    if not raw:
        return None
    try:
        return enum_class(raw)
    except ValueError:
        raise Invalid(_("Unknown %(what)s: %(value)s", what=label, value=raw[:40])) from None


def _date(raw: str, label: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid(_("%(what)s must be a date written YYYY-MM-DD.", what=label)) from None


def parse_filters(args) -> Filters:
    """Filters from a request's query arguments (400 for anything unknown)."""
    product, provider = args.get("product", ""), args.get("provider", "")
    if product and product not in PRODUCT_KINDS:
        raise Invalid(_("Unknown %(what)s: %(value)s", what=_("product kind"), value=product[:40]))
    if provider and provider not in PROVIDERS:
        raise Invalid(_("Unknown %(what)s: %(value)s", what=_("provider"), value=provider[:40]))
    filters = Filters(start=_date(args.get("start", ""), _("The start date")),
                      end=_date(args.get("end", ""), _("The end date")),
                      status=_enum(InvoiceStatus, args.get("status", ""), _("invoice status")),
                      kind=_enum(TransactionKind, args.get("kind", ""), _("transaction kind")),
                      product=product, segment=_enum(Segment, args.get("segment", ""), _("segment")),
                      provider=provider)
    if filters.start and filters.end and filters.start > filters.end:
        raise Invalid(_("The start date is after the end date."))
    return filters


def utc_bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """The office-time days ``start``..``end`` (inclusive) as UTC instants ``[from, until)``."""
    zone = local_zone()
    lower = datetime.combine(start, time.min, zone) if start else None
    upper = datetime.combine(end + timedelta(days=1), time.min, zone) if end else None
    return lower, upper


def _main_product():
    return (sa.select(OrderLine.item_kind).where(OrderLine.order_id == Order.id)
            .order_by(OrderLine.id).limit(1).scalar_subquery())


def _common(query, filters: Filters, moment):
    lower, upper = utc_bounds(filters.start, filters.end)
    if lower:
        query = query.where(moment >= lower)
    if upper:
        query = query.where(moment < upper)
    if filters.status:
        query = query.where(Invoice.status == filters.status)
    if filters.kind:
        query = query.where(Order.kind == filters.kind)
    if filters.segment:
        query = query.where(Order.segment == filters.segment.value)
    if filters.provider:
        query = query.where(Invoice.provider == filters.provider)
    if filters.product:
        query = query.where(sa.exists().where(OrderLine.order_id == Order.id, OrderLine.item_kind == filters.product))
    return query


INVOICE_COLUMNS = ("invoice", "issued_at", "order", "consumer", "email", "segment", "transaction_kind", "product",
                   "provider", "billing_code", "amount", "status", "paid_amount", "paid_at", "bank_reference", "ntpn",
                   "invoice_id")


def invoice_rows(filters: Filters) -> sa.Select:
    """One row per invoice matching ``filters`` (issued in the period), newest first."""
    columns = (Invoice.number, Invoice.created_at, Order.number, User.full_name, User.email, Order.segment,
               Order.kind, _main_product(), Invoice.provider, Invoice.billing_code, Invoice.amount,
               Invoice.status, Payment.amount, Payment.paid_at, Payment.reference, Payment.ntpn, Invoice.id)
    query = (sa.select(*(c.label(name) for c, name in zip(columns, INVOICE_COLUMNS, strict=True)))
             .select_from(Invoice).join(Order, Invoice.order_id == Order.id).join(User, Order.user_id == User.id)
             .outerjoin(Payment, Payment.invoice_id == Invoice.id))
    return _common(query, filters, Invoice.created_at).order_by(Invoice.created_at.desc(), Invoice.id.desc())


PAYMENT_COLUMNS = ("paid_at", "recorded_at", "invoice", "order", "consumer", "segment", "transaction_kind", "product",
                   "provider", "source", "bank_reference", "ntpn", "amount")


def payment_rows(filters: Filters) -> sa.Select:
    """One row per payment matching ``filters`` (paid in the period), newest first."""
    columns = (Payment.paid_at, Payment.recorded_at, Invoice.number, Order.number, User.full_name,
               Order.segment, Order.kind, _main_product(), Payment.provider, Payment.source,
               Payment.reference, Payment.ntpn, Payment.amount)
    query = (sa.select(*(c.label(name) for c, name in zip(columns, PAYMENT_COLUMNS, strict=True)))
             .select_from(Payment).join(Invoice, Payment.invoice_id == Invoice.id)
             .join(Order, Invoice.order_id == Order.id).join(User, Order.user_id == User.id))
    return _common(query, filters, Payment.paid_at).order_by(Payment.paid_at.desc(), Payment.id.desc())


@dataclass(frozen=True)
class Totals:
    count: int
    amount: int
    paid: int


def invoice_totals(session, filters: Filters) -> Totals:
    rows = invoice_rows(filters).order_by(None).subquery()
    count, amount, paid = session.execute(sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(rows.c.amount), 0),
                                                    sa.func.coalesce(sa.func.sum(rows.c.paid_amount), 0))).one()
    return Totals(count, int(amount), int(paid))


def payment_totals(session, filters: Filters) -> Totals:
    rows = payment_rows(filters).order_by(None).subquery()
    count, amount = session.execute(sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(rows.c.amount), 0))).one()
    return Totals(count, int(amount), int(amount))
