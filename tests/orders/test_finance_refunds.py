"""Refunds of paid invoices: a reason, a second officer, an audit entry, once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core import clock
from core.extensions import db
from core.models import AuditEntry
from orders.finance.models import RefundRequest, RefundStatus
from orders.models import DeliveredFile, InvoiceStatus, OrderState

REASON = "Konsumen membayar dua kali untuk data yang sama"


@pytest.fixture
def officers(app, users):
    return users.make("finance"), users.make("finance")


def _as(app, email):
    client = app.test_client()
    from tests.support.factories import UserMaker

    response = client.post("/login", data={"email": email, "password": UserMaker.PASSWORD})
    assert response.status_code == 302
    UserMaker(app).pass_second_step(client, response, email)
    return client


def _refund_id(app):
    with app.app_context():
        return db.session.scalar(sa.select(RefundRequest.id))


def test_a_second_officer_approves_and_the_order_is_cancelled(app, ledger, officers):
    first, second = (_as(app, email) for email in officers)
    invoice = ledger.invoice(ledger.map_order)
    assert first.post(f"/finance/invoices/{invoice.id}/refund", data={"reason": REASON}).status_code == 302
    refund_id = _refund_id(app)
    assert first.post(f"/finance/refunds/{refund_id}/approve").status_code == 403
    assert second.post(f"/finance/refunds/{refund_id}/approve").status_code == 302
    assert ledger.invoice(ledger.map_order).status is InvoiceStatus.REFUNDED
    assert ledger.shop.get(ledger.map_order).state is OrderState.CANCELLED
    with app.app_context():
        files = db.session.scalars(sa.select(DeliveredFile).where(DeliveredFile.order_id == ledger.map_order)).all()
        assert files and all(f.expires_at <= clock.now() for f in files)
        actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("finance.refund%")))
        assert sorted(actions) == ["finance.refund_approve", "finance.refund_request"]


def test_a_double_submitted_approval_changes_nothing_the_second_time(app, ledger, officers):
    first, second = (_as(app, email) for email in officers)
    invoice = ledger.invoice(ledger.map_order)
    first.post(f"/finance/invoices/{invoice.id}/refund", data={"reason": REASON})
    refund_id = _refund_id(app)
    assert second.post(f"/finance/refunds/{refund_id}/approve").status_code == 302
    assert second.post(f"/finance/refunds/{refund_id}/approve").status_code == 409
    assert first.post(f"/finance/invoices/{invoice.id}/refund", data={"reason": REASON}).status_code == 409
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "finance.refund_approve")) == 1


def test_a_declined_refund_needs_a_note_and_leaves_the_invoice_paid(app, ledger, officers):
    first, second = (_as(app, email) for email in officers)
    invoice = ledger.invoice(ledger.map_order)
    first.post(f"/finance/invoices/{invoice.id}/refund", data={"reason": REASON})
    refund_id = _refund_id(app)
    assert second.post(f"/finance/refunds/{refund_id}/decline").status_code == 400
    assert second.post(f"/finance/refunds/{refund_id}/decline", data={"note": "Tidak ada bukti"}).status_code == 302
    with app.app_context():
        assert db.session.get(RefundRequest, refund_id).status is RefundStatus.DECLINED
    assert ledger.invoice(ledger.map_order).status is InvoiceStatus.PAID
    # A declined request does not block a new, better-founded one.
    assert first.post(f"/finance/invoices/{invoice.id}/refund", data={"reason": REASON}).status_code == 302


@pytest.mark.parametrize("reason", ["", "terlalu"])
def test_a_refund_needs_a_reason(app, ledger, officers, reason):
    invoice = ledger.invoice(ledger.map_order)
    assert _as(app, officers[0]).post(f"/finance/invoices/{invoice.id}/refund",
                                      data={"reason": reason}).status_code == 400


def test_only_paid_invoices_are_refunded(app, ledger, officers):
    invoice = ledger.invoice(ledger.open_order)
    assert _as(app, officers[0]).post(f"/finance/invoices/{invoice.id}/refund",
                                      data={"reason": REASON}).status_code == 409
