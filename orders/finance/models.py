"""Bank statements with their reconciled lines, and refund requests."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import UTCDateTime, enum_column


class LineOutcome(enum.Enum):
    MATCHED = "matched"  # recorded now through the payment path
    ALREADY_RECORDED = "already_recorded"  # the callback (or an earlier statement) was first
    MISMATCHED = "mismatched"  # billing code known, but amount, expiry or state disagree
    UNMATCHED = "unmatched"  # no invoice has this billing code
    SKIPPED = "skipped"  # a bad line the uploader chose to skip

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self])


OUTCOME_LABELS = {
    LineOutcome.MATCHED: _l("Matched and recorded"),
    LineOutcome.ALREADY_RECORDED: _l("Matched, already recorded"),
    LineOutcome.MISMATCHED: _l("Mismatched"),
    LineOutcome.UNMATCHED: _l("Unmatched"),
    LineOutcome.SKIPPED: _l("Skipped (bad line)"),
}


class BankStatement(db.Model):
    """One uploaded statement file; the same file (by SHA-256) is imported once."""

    __tablename__ = "finance_bank_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), nullable=False)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    lines: Mapped[list[StatementLine]] = relationship(back_populates="statement", order_by="StatementLine.line_no",
                                                      cascade="all, delete-orphan")
    uploaded_by = relationship("User", lazy="joined")


class StatementLine(db.Model):
    __tablename__ = "finance_statement_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(sa.ForeignKey("finance_bank_statement.id", ondelete="CASCADE"),
                                              index=True, nullable=False)
    line_no: Mapped[int] = mapped_column(nullable=False)
    booked_on: Mapped[date | None] = mapped_column(sa.Date)
    reference: Mapped[str] = mapped_column(sa.String(255), default="", nullable=False)
    billing_code: Mapped[str] = mapped_column(sa.String(40), default="", nullable=False)
    amount: Mapped[int | None] = mapped_column(sa.BigInteger)
    outcome: Mapped[LineOutcome] = mapped_column(enum_column(LineOutcome), nullable=False)
    invoice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_invoice.id"))
    note: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)

    statement: Mapped[BankStatement] = relationship(back_populates="lines")


class RefundStatus(enum.Enum):
    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return str(REFUND_LABELS[self])


REFUND_LABELS = {
    RefundStatus.REQUESTED: _l("Awaiting a second approval"),
    RefundStatus.APPROVED: _l("Approved"),
    RefundStatus.DECLINED: _l("Declined"),
}


class RefundRequest(db.Model):
    """Refund and cancellation of a paid invoice: asked by one finance officer, decided by another.

    At most one request per invoice is open or approved (a partial unique index).
    """

    __tablename__ = "finance_refund_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("order_invoice.id"), index=True, nullable=False)
    amount: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False)
    status: Mapped[RefundStatus] = mapped_column(enum_column(RefundStatus), nullable=False)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), nullable=False)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)

    invoice = relationship("Invoice", lazy="joined")
    requested_by = relationship("User", foreign_keys=[requested_by_id], lazy="joined")
    decided_by = relationship("User", foreign_keys=[decided_by_id], lazy="joined")

    __table_args__ = (
        sa.Index("uq_finance_refund_live", "invoice_id", unique=True,
                 sqlite_where=sa.text("status <> 'declined'"), postgresql_where=sa.text("status <> 'declined'")),
        sa.CheckConstraint("amount > 0", name="refund_amount_positive"),
    )
