"""What the finance lists show: filtered invoices and payments, their totals, export rows.

Filters come from the query string and are checked here; a value that is not one
of the known ones answers 400 with a message rather than silently showing everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field, Form

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


class _Argument(Field):
    """One filter of the query string: empty, or a text that ``parse`` turns into its typed value."""

    def __init__(self, label, parse, refusal, **kwargs):
        super().__init__(label, **kwargs)
        self.parse, self.refusal = parse, refusal

    def process_formdata(self, valuelist):
        raw = valuelist[0] if valuelist else ""
        try:
            self.data = self.parse(raw) if raw else None
        except ValueError:
            self.data = None
            raise ValueError(self.refusal(str(self.label.text), raw[:40])) from None


def _one_of(values: tuple[str, ...]):
    def parse(raw: str) -> str:
        if raw not in values:
            raise ValueError(raw)
        return raw
    return parse


def _unknown(what: str, value: str) -> str:
    return _("Unknown %(what)s: %(value)s", what=what, value=value)


def _not_a_date(what: str, value: str) -> str:
    return _("%(what)s must be a date written YYYY-MM-DD.", what=what)


class FilterForm(Form):
    """The finance lists' query string, each filter typed; fields in the order their errors are reported."""

    product = _Argument(_l("product kind"), _one_of(PRODUCT_KINDS), _unknown)
    provider = _Argument(_l("provider"), _one_of(PROVIDERS), _unknown)
    start = _Argument(_l("The start date"), date.fromisoformat, _not_a_date)
    end = _Argument(_l("The end date"), date.fromisoformat, _not_a_date)
    status = _Argument(_l("invoice status"), InvoiceStatus, _unknown)
    kind = _Argument(_l("transaction kind"), TransactionKind, _unknown)
    segment = _Argument(_l("segment"), Segment, _unknown)


def parse_filters(args) -> Filters:
    """Filters from a request's query arguments (400 for anything unknown)."""
    form = FilterForm(args)
    if not form.validate():
        raise Invalid(next(iter(form.errors.values()))[0])
    filters = Filters(start=form.start.data, end=form.end.data, status=form.status.data, kind=form.kind.data,
                      product=form.product.data or "", segment=form.segment.data, provider=form.provider.data or "")
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
