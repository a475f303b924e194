"""On PostgreSQL: simultaneous checkouts number invoices without gaps; simultaneous callbacks pay once."""

import pytest
import sqlalchemy as sa

from core.extensions import db
from orders.models import Invoice, OrderState, Payment
from tests.orders.conftest import callback_body, post_callback
from tests.support.concurrency import THREADS, run_together
from tests.support.orders_catalog import MAP

pytestmark = pytest.mark.postgresql_only


@pytest.fixture(autouse=True)
def _postgresql_only(backend):
    if backend != "postgresql":
        pytest.skip("runs on the PostgreSQL pass")


def test_twenty_simultaneous_checkouts_get_unique_gapless_invoice_numbers(app, shop):
    consumers = [shop.consumer() for _ in range(THREADS)]
    order_ids = run_together(lambda i: shop.order(consumers[i], (MAP, 1, {"region": "5203"}))[0])
    with app.app_context():
        sequences = sorted(db.session.scalars(sa.select(Invoice.sequence)))
        numbers = set(db.session.scalars(sa.select(Invoice.number)))
    assert len(set(order_ids)) == THREADS
    assert sequences == list(range(1, THREADS + 1)) and len(numbers) == THREADS


def test_twenty_simultaneous_identical_callbacks_record_one_payment(app, shop):
    email = shop.consumer()
    [order_id] = shop.order(email, (MAP, 1, {"region": "5203"}))
    invoice = shop.invoice(order_id)
    body = callback_body(invoice.billing_code, invoice.amount, reference="SAME-REF")
    statuses = run_together(lambda i: post_callback(app.test_client(), body).json["status"])
    assert sorted(statuses) == ["duplicate"] * (THREADS - 1) + ["received"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Payment)) == 1
    assert shop.get(order_id).state is OrderState.DELIVERED


def test_twenty_simultaneous_payments_under_different_references_pay_an_invoice_once(app, shop):
    email = shop.consumer()
    [order_id] = shop.order(email, (MAP, 1, {"region": "5203"}))
    invoice = shop.invoice(order_id)
    codes = run_together(lambda i: post_callback(
        app.test_client(), callback_body(invoice.billing_code, invoice.amount, reference=f"REF-{i}")).status_code)
    assert sorted(codes) == [200] + [409] * (THREADS - 1)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Payment)) == 1


def test_twenty_simultaneous_callbacks_for_twenty_invoices_pay_each_once(app, shop):
    consumers = [shop.consumer() for _ in range(THREADS)]
    invoices = [shop.invoice(shop.order(c, (MAP, 1, {"region": "5203"}))[0]) for c in consumers]
    codes = run_together(lambda i: post_callback(
        app.test_client(), callback_body(invoices[i].billing_code, invoices[i].amount, reference=f"R{i}")).status_code)
    assert codes == [200] * THREADS
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(sa.distinct(Payment.invoice_id)))) == THREADS


def test_two_simultaneous_expiry_sweeps_expire_each_invoice_once(app, shop):
    from datetime import timedelta

    from core import clock
    from core.models import AuditEntry
    from orders.invoicing import expire_due_invoices

    email = shop.consumer()
    for _ in range(5):
        shop.order(email, (MAP, 1, {"region": "5203"}))
    with clock.frozen(clock.now() + timedelta(hours=49)):
        def sweep(_):
            with app.app_context():
                return expire_due_invoices()

        counts = run_together(sweep, count=2)
    assert sum(counts) == 5
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "order.expire")) == 5


def test_simultaneous_zero_rupiah_requests_of_one_institution_claim_the_product_once(app, shop):
    from accounts.models import Segment
    from core.errors import DomainError
    from orders.models import Order, TransactionKind
    from tests.orders.conftest import upload
    from tests.support.orders_catalog import PUBLICATION_PAID

    members = [shop.consumer(Segment.GOVERNMENT, "Bappeda NTB") for _ in range(10)]

    def request_free(i):
        try:
            return shop.order(members[i], (PUBLICATION_PAID, 1, {}), non_commercial=True, purpose="Renstra",
                              letter=upload())
        except DomainError:
            return "refused"

    run_together(request_free, count=10)
    with app.app_context():
        zero = db.session.scalar(sa.select(sa.func.count()).select_from(Order)
                                 .where(Order.kind == TransactionKind.ZERO_RUPIAH))
    assert zero == 1
