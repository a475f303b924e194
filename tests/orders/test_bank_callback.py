"""The local provider's bank callback: refusals change nothing and are audited; replays pay once."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from core import clock
from core.extensions import db
from core.models import AuditEntry
from orders.models import FulfilmentTask, Invoice, InvoiceStatus, OrderState, Payment
from tests.orders.conftest import callback_body, post_callback, upload
from tests.support.orders_catalog import MAP, MICRODATA

AMOUNT = 250_000


@pytest.fixture
def unpaid(shop):
    email = shop.consumer()
    [order_id] = shop.order(email, (MAP, 1, {"region": "5203"}))
    return order_id, shop.invoice(order_id)


def _rejections(app):
    with app.app_context():
        return db.session.scalars(sa.select(AuditEntry.details).where(AuditEntry.action == "payment.reject")).all()


def _payments(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Payment))


def _assert_unchanged(app, shop, order_id):
    assert shop.get(order_id).state is OrderState.AWAITING_PAYMENT
    assert shop.invoice(order_id).status is InvoiceStatus.OPEN
    assert _payments(app) == 0


def test_forged_signature_is_refused_changes_nothing_and_is_audited(app, client, shop, unpaid):
    order_id, invoice = unpaid
    response = post_callback(client, callback_body(invoice.billing_code, AMOUNT), secret="not-the-bank")
    assert response.status_code == 401
    _assert_unchanged(app, shop, order_id)
    assert _rejections(app)[-1]["reason"] == "bad_signature"


def test_unsigned_callback_is_refused(app, client, shop, unpaid):
    order_id, invoice = unpaid
    response = post_callback(client, callback_body(invoice.billing_code, AMOUNT), headers={})
    assert response.status_code == 401
    _assert_unchanged(app, shop, order_id)


def test_stale_signature_outside_the_replay_window_is_refused(app, client, shop, unpaid):
    order_id, invoice = unpaid
    old = int(clock.now().timestamp()) - 301
    response = post_callback(client, callback_body(invoice.billing_code, AMOUNT), timestamp=old)
    assert response.status_code == 401
    _assert_unchanged(app, shop, order_id)
    assert _rejections(app)[-1]["reason"] == "stale_signature"


def test_body_changed_after_signing_is_refused(app, client, shop, unpaid):
    order_id, invoice = unpaid
    from orders.payments.local import signed_headers
    from tests.orders.conftest import SECRET

    headers = signed_headers(callback_body(invoice.billing_code, 1), SECRET)
    response = post_callback(client, callback_body(invoice.billing_code, AMOUNT), headers=headers)
    assert response.status_code == 401
    _assert_unchanged(app, shop, order_id)


@pytest.mark.parametrize("amount", [AMOUNT - 1, AMOUNT + 1000])
def test_wrong_amount_is_refused_changes_nothing_and_is_audited(app, client, shop, unpaid, amount):
    order_id, invoice = unpaid
    response = post_callback(client, callback_body(invoice.billing_code, amount))
    assert response.status_code == 422
    _assert_unchanged(app, shop, order_id)
    assert _rejections(app)[-1]["reason"] == "wrong_amount"


def test_expired_billing_code_is_refused_changes_nothing_and_is_audited(app, client, shop):
    start = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    with clock.frozen(start):
        email = shop.consumer()
        [order_id] = shop.order(email, (MAP, 1, {"region": "5203"}))
        invoice = shop.invoice(order_id)
        clock.advance(timedelta(hours=48, seconds=1))
        response = post_callback(client, callback_body(invoice.billing_code, AMOUNT))
    assert response.status_code == 410
    _assert_unchanged(app, shop, order_id)
    assert _rejections(app)[-1]["reason"] == "expired"


def test_unknown_billing_code_is_refused_and_audited(app, client, shop, unpaid):
    order_id, _ = unpaid
    response = post_callback(client, callback_body("123456789012347", AMOUNT))
    assert response.status_code == 404
    _assert_unchanged(app, shop, order_id)
    assert _rejections(app)[-1]["reason"] == "unknown_reference"


def test_malformed_body_is_a_400_not_a_500(app, client, unpaid):
    response = post_callback(client, b'{"billing_code": 1')
    assert response.status_code == 400


def test_replayed_callback_records_one_payment_one_transition_one_fulfilment(app, client, shop, users):
    from tests.orders.test_microdata_flow import _staff

    email = shop.consumer()
    [order_id] = shop.order(email, (MICRODATA, 1, {"variables": ["r101"]}), abstract=upload())
    from orders import workflow

    _staff(app, users.make("operator"), order_id, workflow.approve)
    with app.app_context():
        from orders.models import Order

        order = db.session.get(Order, order_id)
        order.agreement_accepted_at = clock.now()
        db.session.commit()
    invoice = shop.invoice(order_id)
    body = callback_body(invoice.billing_code, invoice.amount, reference="BRI-777")
    answers = [post_callback(client, body).json["status"] for _ in range(50)]

    assert answers[0] == "received" and set(answers[1:]) == {"duplicate"}
    assert _payments(app) == 1
    with app.app_context():
        moves = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action == "order.pay")).all()
        tasks = db.session.scalar(sa.select(sa.func.count()).select_from(FulfilmentTask))
    assert len(moves) == 1 and tasks == 1
    assert shop.get(order_id).state is OrderState.IN_FULFILMENT


def test_a_second_payment_under_another_reference_is_refused(app, client, shop, unpaid):
    order_id, invoice = unpaid
    assert post_callback(client, callback_body(invoice.billing_code, AMOUNT, reference="A")).status_code == 200
    response = post_callback(client, callback_body(invoice.billing_code, AMOUNT, reference="B"))
    assert response.status_code == 409
    assert _payments(app) == 1


def test_paid_before_the_invoice_exists_succeeds_when_the_bank_retries(app, client, shop):
    """Events out of order: the bank reports a code we do not know yet, then retries after it exists."""
    code = "123456789012347"
    body = callback_body(code, AMOUNT, reference="EARLY-1")
    assert post_callback(client, body).status_code == 404
    email = shop.consumer()
    [order_id] = shop.order(email, (MAP, 1, {"region": "5203"}))
    with app.app_context():
        invoice = db.session.scalar(sa.select(Invoice).where(Invoice.order_id == order_id))
        invoice.billing_code = code
        db.session.commit()
    assert post_callback(client, body).status_code == 200
    assert post_callback(client, body).json["status"] == "duplicate"
    assert _payments(app) == 1 and shop.get(order_id).state is OrderState.DELIVERED


def test_a_reference_reused_for_another_invoice_is_a_conflict(app, client, shop):
    email = shop.consumer()
    first = shop.invoice(shop.order(email, (MAP, 1, {"region": "5203"}))[0])
    [second_order] = shop.order(email, (MAP, 1, {"region": "5203"}))
    second = shop.invoice(second_order)
    assert post_callback(client, callback_body(first.billing_code, AMOUNT, reference="X1")).status_code == 200
    response = post_callback(client, callback_body(second.billing_code, AMOUNT, reference="X1"))
    assert response.status_code == 409 and response.json["reason"] == "reference_conflict"
    assert shop.get(second_order).state is OrderState.AWAITING_PAYMENT


def test_money_paid_before_expiry_but_reported_after_it_is_accepted_until_the_sweep(app, client, shop):
    start = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    with clock.frozen(start):
        email = shop.consumer()
        [order_id] = shop.order(email, (MAP, 1, {"region": "5203"}))
        invoice = shop.invoice(order_id)
        body = callback_body(invoice.billing_code, AMOUNT)  # paid now, at the bank
        clock.advance(timedelta(hours=48, minutes=1))
        from orders.payments.local import signed_headers
        from tests.orders.conftest import SECRET

        response = post_callback(client, body, headers=signed_headers(body, SECRET))
    assert response.status_code == 200
    assert shop.get(order_id).state is OrderState.DELIVERED


def test_a_bank_statement_line_for_an_already_reported_payment_is_a_duplicate(app, client, shop, unpaid):
    """The future statement import calls the same record_payment; the callback's payment is not doubled."""
    from orders.payments.recording import record_payment

    order_id, invoice = unpaid
    assert post_callback(client, callback_body(invoice.billing_code, AMOUNT, reference="BNI-42")).status_code == 200
    with app.app_context():
        result = record_payment(invoice_query=sa.select(Invoice).where(Invoice.billing_code == invoice.billing_code),
                                provider="local", reference="BNI-42", amount=AMOUNT, source="statement")
    assert result.created is False and _payments(app) == 1


@pytest.mark.parametrize("headers", [
    {"X-Statdesk-Timestamp": "1700000000", "X-Statdesk-Signature": "\u00e9" * 64},
    {"X-Statdesk-Timestamp": "\u00b2", "X-Statdesk-Signature": "ab"},
], ids=["non-ASCII signature", "non-ASCII digit timestamp"])
def test_a_non_ascii_signature_or_timestamp_is_refused_as_unsigned(app, client, shop, unpaid, headers):
    order_id, invoice = unpaid
    response = post_callback(client, callback_body(invoice.billing_code, invoice.amount), headers=headers)
    assert response.status_code == 401
    _assert_unchanged(app, shop, order_id)


@pytest.mark.parametrize("changes", [{"amount": 10**400}, {"bank_reference": "R" * 256}, {"ntpn": "N" * 33}])
def test_a_signed_body_with_values_beyond_the_columns_is_refused(app, client, shop, unpaid, changes):
    import json

    order_id, invoice = unpaid
    body = json.loads(callback_body(invoice.billing_code, invoice.amount))
    response = post_callback(client, json.dumps(dict(body, **changes)).encode())
    assert response.status_code == 400
    _assert_unchanged(app, shop, order_id)
