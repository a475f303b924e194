"""End to end for each transaction kind: the rules decide the kind, not the consumer."""

import sqlalchemy as sa

from accounts.models import Segment
from core.extensions import db
from orders.models import DeliveredFile, InvoiceStatus, OrderState, TransactionKind
from tests.orders.conftest import callback_body, post_callback, upload
from tests.support.orders_catalog import MAP, MICRODATA, PUBLICATION_FREE, PUBLICATION_PAID


def _files(app, order_id):
    with app.app_context():
        return db.session.scalars(sa.select(DeliveredFile).where(DeliveredFile.order_id == order_id)).all()


def test_free_publication_is_delivered_at_once_without_invoice(app, shop, outbox):
    email = shop.consumer()
    [order_id] = shop.order(email, (PUBLICATION_FREE, 1, {}))
    order = shop.get(order_id)
    assert order.kind is TransactionKind.FREE and order.state is OrderState.DELIVERED
    assert order.invoice is None and order.total == 0
    assert [f.filename for f in _files(app, order_id)] == ["statistik-indonesia-2026.pdf"]
    assert [m.kind for m in outbox()] == ["order_delivered"]


def test_paid_map_is_invoiced_paid_by_callback_and_delivered(app, shop, client, outbox):
    email = shop.consumer()
    [order_id] = shop.order(email, (MAP, 2, {"region": "5203"}))
    order = shop.get(order_id)
    assert (order.kind, order.state, order.total) == (TransactionKind.PAID, OrderState.AWAITING_PAYMENT, 500_000)
    invoice = shop.invoice(order_id)
    assert invoice.number.startswith("INV/") and len(invoice.billing_code) == 15

    response = post_callback(client, callback_body(invoice.billing_code, 500_000))

    assert response.status_code == 200, response.json
    order = shop.get(order_id)
    assert order.state is OrderState.DELIVERED and order.invoice.status is InvoiceStatus.PAID
    assert order.invoice.payment.ntpn == "0A1B2C3D4E5F6G7H"
    assert [f.filename for f in _files(app, order_id)] == ["wilkerstat.zip"]
    assert [m.kind for m in outbox()] == ["order_invoice", "order_paid", "order_delivered"]


def test_government_agency_gets_zero_rupiah_after_the_letter_is_approved(app, shop, users):
    email = shop.consumer(Segment.GOVERNMENT, "Bappeda NTB")
    [order_id] = shop.order(email, (PUBLICATION_PAID, 1, {}), non_commercial=True, purpose="Perencanaan",
                            letter=upload("surat.pdf"))
    order = shop.get(order_id)
    assert (order.kind, order.state, order.total) == (TransactionKind.ZERO_RUPIAH, OrderState.PENDING_REVIEW, 0)
    operator = users.make("operator")
    from orders import workflow
    from tests.orders.test_microdata_flow import as_user

    with app.app_context(), as_user(operator) as staff:
        workflow.approve(workflow.order_for(staff, order_id, staff_view=True), staff)
    order = shop.get(order_id)
    assert order.state is OrderState.DELIVERED and order.invoice is None


def test_zero_rupiah_is_granted_once_per_product_per_institution(shop):
    first = shop.consumer(Segment.ACADEMIC, "Universitas Mataram")
    second = shop.consumer(Segment.ACADEMIC, "universitas  mataram")
    shop.order(first, (PUBLICATION_PAID, 1, {}), non_commercial=True, purpose="Skripsi", letter=upload())
    [order_id] = shop.order(second, (PUBLICATION_PAID, 1, {}), non_commercial=True, purpose="Tesis",
                            letter=upload())
    order = shop.get(order_id)
    assert order.kind is TransactionKind.PAID and order.total == 150_000


def test_students_and_private_firms_pay_even_when_they_claim_non_commercial_use(shop):
    for segment in (Segment.PUBLIC, Segment.PRIVATE):
        email = shop.consumer(segment, "PT Data")
        [order_id] = shop.order(email, (PUBLICATION_PAID, 1, {}), non_commercial=True, letter=upload())
        assert shop.get(order_id).kind is TransactionKind.PAID


def test_commercial_use_by_a_government_agency_pays(shop):
    email = shop.consumer(Segment.GOVERNMENT, "Dinas Kominfo")
    [order_id] = shop.order(email, (PUBLICATION_PAID, 1, {}), non_commercial=False)
    assert shop.get(order_id).kind is TransactionKind.PAID


def test_internal_unit_orders_without_invoice(app, shop):
    email = shop.consumer(Segment.INTERNAL, "Direktorat Neraca")
    [order_id] = shop.order(email, (MAP, 1, {"region": "5271"}))
    order = shop.get(order_id)
    assert (order.kind, order.state, order.invoice) == (TransactionKind.INTERNAL, OrderState.DELIVERED, None)


def test_a_mixed_cart_becomes_one_order_per_kind(shop):
    email = shop.consumer()
    order_ids = shop.order(email, (PUBLICATION_FREE, 1, {}), (PUBLICATION_PAID, 1, {}))
    assert sorted(shop.get(i).kind.value for i in order_ids) == ["free", "paid"]


def test_microdata_price_follows_the_regressive_tariff(shop):
    email = shop.consumer()
    [order_id] = shop.order(email, (MICRODATA, 3, {"variables": ["r101"]}), abstract=upload())
    assert shop.get(order_id).total == 1_250_000 + 2 * 750_000


def test_the_same_product_twice_in_one_zero_rupiah_request_is_one_claim(shop):
    email = shop.consumer(Segment.INTERNATIONAL, "UNFPA Indonesia")
    [order_id] = shop.order(email, (PUBLICATION_PAID, 1, {}), (PUBLICATION_PAID, 2, {}), non_commercial=True,
                            purpose="Population programme", letter=upload())
    assert shop.get(order_id).kind is TransactionKind.ZERO_RUPIAH
