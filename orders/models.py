"""Orders, their lines, invoices, payments, fulfilment work and delivered files.

Catalog items are referenced by id only (no foreign key): an order line keeps a
snapshot of what was bought (title, kind, unit price) so that later catalog edits
never change an order or its invoice.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import TimestampMixin, UTCDateTime, enum_column


class TransactionKind(enum.Enum):
    """Decided by rules (item price, consumer segment, eligibility), never chosen by the consumer."""

    FREE = "free"
    PAID = "paid"
    ZERO_RUPIAH = "zero_rupiah"
    INTERNAL = "internal"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {
    TransactionKind.FREE: _l("Free"),
    TransactionKind.PAID: _l("Chargeable"),
    TransactionKind.ZERO_RUPIAH: _l("Zero rupiah"),
    TransactionKind.INTERNAL: _l("Internal"),
}


class OrderState(enum.Enum):
    PENDING_REVIEW = "pending_review"          # abstract or zero-rupiah letter awaits an operator
    AWAITING_REVISION = "awaiting_revision"    # the reviewer asked the consumer for a revised document
    AWAITING_PAYMENT = "awaiting_payment"      # invoice open
    AWAITING_AGREEMENT = "awaiting_agreement"  # cleared, data-use agreement not yet accepted
    IN_FULFILMENT = "in_fulfilment"            # an operator prepares the data
    DELIVERED = "delivered"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self])

    @property
    def is_final(self) -> bool:
        return self in {OrderState.DELIVERED, OrderState.REJECTED, OrderState.CANCELLED, OrderState.EXPIRED}


STATE_LABELS = {
    OrderState.PENDING_REVIEW: _l("Awaiting review"),
    OrderState.AWAITING_REVISION: _l("Waiting for your revised document"),
    OrderState.AWAITING_PAYMENT: _l("Awaiting payment"),
    OrderState.AWAITING_AGREEMENT: _l("Awaiting data-use agreement"),
    OrderState.IN_FULFILMENT: _l("Being prepared"),
    OrderState.DELIVERED: _l("Delivered"),
    OrderState.REJECTED: _l("Rejected"),
    OrderState.CANCELLED: _l("Cancelled"),
    OrderState.EXPIRED: _l("Expired"),
}


class CartLine(TimestampMixin, db.Model):
    __tablename__ = "order_cart_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(nullable=False)
    quantity: Mapped[int] = mapped_column(default=1, nullable=False)
    options: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)

    __table_args__ = (sa.CheckConstraint("quantity > 0", name="quantity_positive"),)


class Order(TimestampMixin, db.Model):
    __tablename__ = "order_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True, nullable=False)
    kind: Mapped[TransactionKind] = mapped_column(enum_column(TransactionKind), nullable=False)
    state: Mapped[OrderState] = mapped_column(enum_column(OrderState), nullable=False, index=True)
    total: Mapped[int] = mapped_column(sa.BigInteger, default=0, nullable=False)
    segment: Mapped[str] = mapped_column(sa.String(32), default="", nullable=False)
    institution: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    purpose: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    needs_review: Mapped[bool] = mapped_column(default=False, nullable=False)
    needs_agreement: Mapped[bool] = mapped_column(default=False, nullable=False)
    abstract_key: Mapped[str | None] = mapped_column(sa.String(200))
    letter_key: Mapped[str | None] = mapped_column(sa.String(200))
    sample_key: Mapped[str | None] = mapped_column(sa.String(200))
    sample_name: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    review_reason: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    agreement_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    agreement_signed_key: Mapped[str | None] = mapped_column(sa.String(200))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The checkout form's one-time token: a repeated submission of the same form finds its orders.
    checkout_token: Mapped[str | None] = mapped_column(sa.String(64))
    # Imported from the old system (orders/history.py): closed history, kept with its original number.
    legacy: Mapped[bool] = mapped_column(default=False, server_default=sa.false(), nullable=False)

    lines: Mapped[list[OrderLine]] = relationship(back_populates="order", cascade="all, delete-orphan",
                                                  order_by="OrderLine.id", lazy="selectin")
    invoice: Mapped[Invoice | None] = relationship(back_populates="order", uselist=False, lazy="selectin")
    user = relationship("User", foreign_keys=[user_id], lazy="joined")

    __table_args__ = (sa.Index("ix_order_record_checkout_token", "user_id", "checkout_token"),)


class OrderLine(db.Model):
    __tablename__ = "order_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("order_record.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(nullable=False, index=True)
    item_kind: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    title_en: Mapped[str] = mapped_column(sa.String(300), default="", nullable=False)
    quantity: Mapped[int] = mapped_column(default=1, nullable=False)
    unit_price: Mapped[int] = mapped_column(sa.BigInteger, default=0, nullable=False)
    amount: Mapped[int] = mapped_column(sa.BigInteger, default=0, nullable=False)
    options: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)
    needs_preparation: Mapped[bool] = mapped_column(default=False, nullable=False)

    order: Mapped[Order] = relationship(back_populates="lines")

    def title_in(self, locale: str) -> str:
        """The product's name in ``locale``: the English title on English pages when there is one."""
        return self.title_en if locale == "en" and self.title_en else self.title


class ZeroRupiahClaim(db.Model):
    """Zero-rupiah is granted once per product per institution: the unique key enforces it."""

    __tablename__ = "order_zero_rupiah_claim"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(nullable=False)
    institution_key: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("order_record.id", ondelete="CASCADE"), index=True)

    __table_args__ = (sa.UniqueConstraint("item_id", "institution_key"),)


class InvoiceStatus(enum.Enum):
    OPEN = "open"
    PAID = "paid"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"  # paid, then refunded by finance (two people)

    @property
    def label(self) -> str:
        return str(INVOICE_LABELS[self])


INVOICE_LABELS = {
    InvoiceStatus.OPEN: _l("Unpaid"),
    InvoiceStatus.PAID: _l("Paid"),
    InvoiceStatus.EXPIRED: _l("Expired"),
    InvoiceStatus.CANCELLED: _l("Cancelled"),
    InvoiceStatus.REFUNDED: _l("Refunded"),
}


class InvoiceCounter(db.Model):
    """One row per year; locked by the transaction that issues an invoice (gapless numbers)."""

    __tablename__ = "order_invoice_counter"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0, nullable=False)


class Invoice(TimestampMixin, db.Model):
    __tablename__ = "order_invoice"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("order_record.id"), unique=True, nullable=False)
    number: Mapped[str] = mapped_column(sa.String(32), unique=True, nullable=False)
    year: Mapped[int] = mapped_column(nullable=False)
    # The gapless number of the year; empty for an imported (legacy) invoice, which keeps the old system's number.
    sequence: Mapped[int | None] = mapped_column()
    amount: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    # Set only by orders.states.INVOICES (it starts open and is guarded against direct assignment).
    status: Mapped[InvoiceStatus] = mapped_column(enum_column(InvoiceStatus), default=InvoiceStatus.OPEN,
                                                  nullable=False, index=True)
    provider: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    billing_code: Mapped[str | None] = mapped_column(sa.String(15), unique=True)
    provider_ref: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    hosted_url: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    amount_received: Mapped[int] = mapped_column(sa.BigInteger, default=0, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    legacy: Mapped[bool] = mapped_column(default=False, server_default=sa.false(), nullable=False)

    order: Mapped[Order] = relationship(back_populates="invoice")
    payment: Mapped[Payment | None] = relationship(back_populates="invoice", uselist=False, lazy="selectin")

    __table_args__ = (sa.UniqueConstraint("year", "sequence"),
                      sa.CheckConstraint("amount > 0", name="amount_positive"))


class Payment(db.Model):
    """Money received for one invoice; at most one per invoice and one per provider reference."""

    __tablename__ = "order_payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("order_invoice.id"), unique=True, nullable=False)
    provider: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    reference: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    amount: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    ntpn: Mapped[str] = mapped_column(sa.String(32), default="", nullable=False)
    source: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    invoice: Mapped[Invoice] = relationship(back_populates="payment")

    __table_args__ = (sa.UniqueConstraint("provider", "reference"),)


class ProviderEvent(db.Model):
    """A verified payment callback or webhook, kept raw, once per provider and event id (the inbox).

    The request that receives it stores it (``status`` ``received``) and answers; a job
    (``orders.payments.inbox``) applies its effect and marks it ``processed`` or
    ``refused`` in the same transaction.  The bank's event id is its ``bank_reference``.
    """

    __tablename__ = "order_provider_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    event_id: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    event_type: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, default="", server_default="", nullable=False)
    # The invoice the callback names, as far as the request could tell (shown as "being processed").
    invoice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_invoice.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(sa.String(16), default="received", server_default="processed",
                                        nullable=False)
    outcome: Mapped[str] = mapped_column(sa.String(40), default="", server_default="", nullable=False)
    request_id: Mapped[str] = mapped_column(sa.String(64), default="", server_default="", nullable=False)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0", nullable=False)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    processed_by: Mapped[str] = mapped_column(sa.String(120), default="", server_default="", nullable=False)

    __table_args__ = (sa.UniqueConstraint("provider", "event_id"),
                      sa.Index("ix_order_provider_event_status", "status", "received_at"))


class StripeCustomer(db.Model):
    __tablename__ = "order_stripe_customer"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), primary_key=True, autoincrement=False)
    customer_id: Mapped[str] = mapped_column(sa.String(255), unique=True, nullable=False)


class TaskState(enum.Enum):
    OPEN = "open"
    DONE = "done"

    @property
    def label(self) -> str:
        return str(TASK_STATE_LABELS[self])


TASK_STATE_LABELS = {
    TaskState.OPEN: _l("To be prepared"),
    TaskState.DONE: _l("Prepared"),
}


class FulfilmentTask(TimestampMixin, db.Model):
    """Work for an operator who must prepare data for an order (one per order)."""

    __tablename__ = "order_fulfilment_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("order_record.id"), unique=True, nullable=False)
    # Set only by orders.states.TASKS (it starts open and is guarded against direct assignment).
    state: Mapped[TaskState] = mapped_column(enum_column(TaskState), default=TaskState.OPEN, nullable=False,
                                             index=True)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    order: Mapped[Order] = relationship()


class DeliveredFile(TimestampMixin, db.Model):
    """A file released to the order's owner, downloadable through signed links within limits."""

    __tablename__ = "order_delivered_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("order_record.id"), index=True, nullable=False)
    storage_key: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    filename: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    size: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    max_downloads: Mapped[int] = mapped_column(nullable=False)
    download_count: Mapped[int] = mapped_column(default=0, nullable=False)

    order: Mapped[Order] = relationship()
