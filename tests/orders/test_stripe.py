"""The Stripe path: the real ``stripe`` library against a local fake, webhooks signed as Stripe signs them."""

import time

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.models import AuditEntry
from orders.models import FulfilmentTask, InvoiceStatus, OrderState, Payment, ProviderEvent
from tests.orders.conftest import upload
from tests.support.orders_catalog import MAP, MICRODATA
from tests.support.stripe_fake import sign, stripe_fake

WEBHOOK_SECRET = "whsec_test_statdesk"


@pytest.fixture
def fake():
    with stripe_fake("sk_test_statdesk") as running:
        yield running


@pytest.fixture
def app_config(app_config, fake):
    return dict(app_config, STATDESK_PAYMENT_PROVIDER="stripe", STATDESK_STRIPE_API_KEY="sk_test_statdesk",
                STATDESK_STRIPE_API_BASE=fake.url, STATDESK_STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET)


@pytest.fixture
def stripe_order(shop):
    email = shop.consumer()
    [order_id] = shop.order(email, (MAP, 2, {"region": "5203"}))
    return order_id, shop.invoice(order_id)


def deliver(client, payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
    return client.post("/api/v1/payments/stripe/webhook", data=payload,
                       headers={"Stripe-Signature": sign(payload, secret, timestamp),
                                "Content-Type": "application/json"})


def processed(app, client, payload: bytes) -> str:
    """Deliver ``payload``; the answer must be a 2xx at once, and the event's outcome once processed."""
    import json

    answer = deliver(client, payload)
    assert answer.status_code == 200 and answer.json["status"] in ("received", "duplicate"), answer.json
    with app.app_context():
        event = db.session.scalar(sa.select(ProviderEvent).where(ProviderEvent.event_id == json.loads(payload)["id"]))
        assert event.status in ("processed", "refused")
        return event.outcome


def _count(app, model):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_checkout_creates_a_customer_and_a_finalized_invoice_with_idempotency_keys(fake, stripe_order):
    _, invoice = stripe_order
    posts = [r for r in fake.requests if r["method"] == "POST"]
    assert [r["path"] for r in posts] == ["/v1/customers", "/v1/invoices", "/v1/invoiceitems",
                                          f"/v1/invoices/{invoice.provider_ref}/finalize"]
    user_id = next(iter(fake.customers.values()))["metadata"]["statdesk_user"]
    assert [r["idempotency_key"] for r in posts] == [  # ours, derived from our ids, not the library's random ones
        f"statdesk-customer-{user_id}", f"statdesk-invoice-{invoice.number}",
        f"statdesk-invoice-item-{invoice.number}", f"statdesk-invoice-finalize-{invoice.number}"]
    assert fake.problems == []
    remote = fake.invoices[invoice.provider_ref]
    assert remote["amount_due"] == 500_000 * 100 and remote["currency"] == "idr"
    assert remote["metadata"]["statdesk_invoice"] == invoice.number
    assert invoice.hosted_url == f"{fake.url}/hosted/{invoice.provider_ref}"
    assert invoice.billing_code is None


def test_publishing_again_reuses_the_same_stripe_objects(app, fake, stripe_order):
    """A retry after a lost answer sends the same idempotency keys; Stripe (the fake) replays its answers."""
    from orders.models import Invoice
    from orders.payments import provider_named

    order_id, invoice = stripe_order
    with app.app_context():
        row = db.session.get(Invoice, invoice.id)
        row.provider_ref = None
        provider_named("stripe").publish(row)
        assert row.provider_ref == invoice.provider_ref
    assert fake.replays == 3 and len(fake.invoices) == 1


def test_a_second_order_reuses_the_stripe_customer(fake, shop, stripe_order):
    order_id, _ = stripe_order
    email = shop.get(order_id).user_id
    assert email
    assert len(fake.customers) == 1


def test_invoice_paid_webhook_pays_the_order_once_even_when_replayed_50_times(app, client, fake, stripe_order):
    order_id, invoice = stripe_order
    payload = fake.event("invoice.paid", fake.fund(invoice.provider_ref, 500_000 * 100))
    answers = [deliver(client, payload).json["status"] for _ in range(50)]
    assert answers[0] == "received" and set(answers[1:]) == {"duplicate"}
    assert processed(app, client, payload) == "recorded"
    also = fake.event("invoice.payment_succeeded", fake.invoices[invoice.provider_ref])
    assert processed(app, client, also) == "duplicate"
    assert _count(app, Payment) == 1 and _count(app, ProviderEvent) == 2
    assert shop_state(app, order_id) is OrderState.DELIVERED


def shop_state(app, order_id):
    from orders.models import Order

    with app.app_context():
        return db.session.get(Order, order_id).state


def test_events_out_of_order_do_not_undo_a_payment(app, client, fake, stripe_order):
    order_id, invoice = stripe_order
    stale = fake.event("invoice.payment_failed", dict(fake.invoices[invoice.provider_ref]))
    paid = fake.event("invoice.paid", fake.fund(invoice.provider_ref, 500_000 * 100))
    assert deliver(client, paid).status_code == 200
    assert processed(app, client, stale) == "unchanged"
    assert _count(app, Payment) == 1 and shop_state(app, order_id) is OrderState.DELIVERED


def test_paid_before_finalized_event_is_fine(app, client, fake, stripe_order):
    order_id, invoice = stripe_order
    paid = fake.event("invoice.paid", fake.fund(invoice.provider_ref, 500_000 * 100))
    finalized = fake.event("invoice.finalized", dict(fake.invoices[invoice.provider_ref], status="open"))
    assert processed(app, client, paid) == "recorded"
    assert processed(app, client, finalized) == "unchanged"
    assert shop_state(app, order_id) is OrderState.DELIVERED


def test_microdata_paid_by_stripe_opens_one_fulfilment_task(app, client, fake, shop, users):
    from orders import workflow
    from tests.orders.test_microdata_flow import _staff

    email = shop.consumer()
    [order_id] = shop.order(email, (MICRODATA, 1, {"variables": ["r102"]}), abstract=upload())
    _staff(app, users.make("operator"), order_id, workflow.approve)
    with app.app_context():
        from orders.models import Order
        from tests.orders.test_microdata_flow import as_user

        with as_user(email) as owner:
            workflow.accept_agreement(db.session.get(Order, order_id), owner)
    invoice = shop.invoice(order_id)
    payload = fake.event("invoice.paid", fake.fund(invoice.provider_ref, invoice.amount * 100))
    for _ in range(5):
        deliver(client, payload)
    assert _count(app, FulfilmentTask) == 1 and shop_state(app, order_id) is OrderState.IN_FULFILMENT


def test_partial_funding_is_recorded_and_keeps_the_invoice_open(app, client, fake, stripe_order):
    order_id, invoice = stripe_order
    payload = fake.event("invoice.updated", fake.fund(invoice.provider_ref, 200_000 * 100))
    assert processed(app, client, payload) == "partially_funded"
    from tests.orders.conftest import Shop

    row = Shop(app, None).invoice(order_id)
    assert (row.status, row.amount_received) == (InvoiceStatus.OPEN, 200_000)
    rest = fake.event("invoice.paid", fake.fund(invoice.provider_ref, 300_000 * 100))
    assert processed(app, client, rest) == "recorded"
    assert shop_state(app, order_id) is OrderState.DELIVERED


@pytest.mark.parametrize(("event_type", "status"), [("invoice.voided", "void"),
                                                    ("invoice.marked_uncollectible", "uncollectible")])
def test_voided_or_uncollectible_invoice_releases_the_order(app, client, fake, stripe_order, event_type, status):
    order_id, invoice = stripe_order
    payload = fake.event(event_type, fake.set_status(invoice.provider_ref, status))
    assert processed(app, client, payload) == "cancelled"
    assert shop_state(app, order_id) is OrderState.CANCELLED


def test_payment_failed_is_audited_and_changes_nothing(app, client, fake, stripe_order):
    order_id, invoice = stripe_order
    payload = fake.event("invoice.payment_failed", dict(fake.invoices[invoice.provider_ref]))
    assert processed(app, client, payload) == "payment_failed"
    assert shop_state(app, order_id) is OrderState.AWAITING_PAYMENT


def test_forged_signature_is_refused_and_audited(app, client, fake, stripe_order):
    order_id, invoice = stripe_order
    payload = fake.event("invoice.paid", fake.fund(invoice.provider_ref, 500_000 * 100))
    assert deliver(client, payload, secret="whsec_forged").status_code == 400
    assert _count(app, Payment) == 0 and _count(app, ProviderEvent) == 0
    with app.app_context():
        assert db.session.scalar(sa.select(AuditEntry.details).where(AuditEntry.action == "payment.reject")) \
            ["reason"] == "bad_signature"


def test_signature_older_than_stripes_tolerance_is_refused(app, client, fake, stripe_order):
    _, invoice = stripe_order
    payload = fake.event("invoice.paid", fake.fund(invoice.provider_ref, 500_000 * 100))
    assert deliver(client, payload, timestamp=int(time.time()) - 301).status_code == 400
    assert _count(app, Payment) == 0


def test_several_v1_signatures_are_accepted_for_secret_rotation(app, client, fake, stripe_order):
    _, invoice = stripe_order
    payload = fake.event("invoice.paid", fake.fund(invoice.provider_ref, 500_000 * 100))
    good = sign(payload, WEBHOOK_SECRET)
    timestamp = good.split(",")[0]
    old = sign(payload, "whsec_old", int(timestamp[2:])).split(",")[1]
    header = f"{timestamp},{old},{good.split(',')[1]}"
    response = client.post("/api/v1/payments/stripe/webhook", data=payload,
                           headers={"Stripe-Signature": header, "Content-Type": "application/json"})
    assert response.status_code == 200


def test_wrong_amount_is_answered_2xx_then_refused_by_the_worker_and_audited(app, client, fake, stripe_order):
    order_id, invoice = stripe_order
    wrong = dict(fake.invoices[invoice.provider_ref], status="paid", amount_paid=100, amount_remaining=0)
    assert processed(app, client, fake.event("invoice.paid", wrong)) == "wrong_amount"
    assert _count(app, Payment) == 0
    assert shop_state(app, order_id) is OrderState.AWAITING_PAYMENT
    with app.app_context():
        assert db.session.scalar(sa.select(AuditEntry.details).where(AuditEntry.action == "payment.reject")) \
            ["reason"] == "wrong_amount"


def test_unknown_stripe_invoice_is_refused(app, client, fake, stripe_order):
    foreign = {"id": "in_foreign", "object": "invoice", "status": "paid", "amount_paid": 100, "metadata": {}}
    assert processed(app, client, fake.event("invoice.paid", foreign)) == "unknown_reference"
    assert _count(app, Payment) == 0


def test_expired_invoice_is_voided_on_stripe_so_it_cannot_be_paid_late(app, fake, stripe_order):
    from datetime import timedelta

    from core import clock
    from orders.invoicing import expire_due_invoices

    order_id, invoice = stripe_order
    with clock.frozen(clock.now() + timedelta(hours=49)), app.app_context():
        assert expire_due_invoices() == 1
    assert fake.invoices[invoice.provider_ref]["status"] == "void"
    void_calls = [r for r in fake.requests if r["path"].endswith("/void")]
    assert len(void_calls) == 1 and void_calls[0]["idempotency_key"]
    assert shop_state(app, order_id) is OrderState.EXPIRED


def test_cancelled_order_voids_its_stripe_invoice(app, client, login, fake, shop):
    email = shop.consumer()
    [order_id] = shop.order(email, (MAP, 1, {"region": "5203"}))
    invoice = shop.invoice(order_id)
    login(email)
    assert client.post(f"/orders/{order_id}/cancel").status_code == 302
    assert fake.invoices[invoice.provider_ref]["status"] == "void"


def test_unreachable_stripe_leaves_an_open_invoice_that_can_be_published_later(app, client, login, shop, fake):
    email = shop.consumer()
    real_url = fake.url
    app.config["STATDESK_STRIPE_API_BASE"] = "http://127.0.0.1:9"  # nothing listens on the discard port
    [order_id] = shop.order(email, (MAP, 1, {"region": "5203"}))
    invoice = shop.invoice(order_id)
    assert invoice.status is InvoiceStatus.OPEN and invoice.provider_ref is None
    app.config["STATDESK_STRIPE_API_BASE"] = real_url
    login(email)
    assert client.post(f"/orders/{order_id}/invoice/publish").status_code == 302
    assert shop.invoice(order_id).provider_ref in fake.invoices


@pytest.mark.parametrize("offset", [600, -600], ids=["future", "past"])
def test_signature_600_seconds_away_from_our_clock_is_refused_and_audited(app, client, fake, stripe_order, offset):
    _, invoice = stripe_order
    payload = fake.event("invoice.paid", fake.fund(invoice.provider_ref, 500_000 * 100))
    response = deliver(client, payload, timestamp=int(time.time()) + offset)
    assert response.status_code == 400 and response.get_json()["reason"] == "stale_signature"
    assert _count(app, Payment) == 0 and _count(app, ProviderEvent) == 0
    with app.app_context():
        assert db.session.scalar(sa.select(AuditEntry.details).where(AuditEntry.action == "payment.reject")) \
            ["reason"] == "stale_signature"


def test_signature_within_the_tolerance_either_way_is_accepted(app, client, fake, stripe_order):
    _, invoice = stripe_order
    payload = fake.event("invoice.paid", fake.fund(invoice.provider_ref, 500_000 * 100))
    assert deliver(client, payload, timestamp=int(time.time()) + 240).status_code == 200
    assert _count(app, Payment) == 1
