"""Every payment provider, run against the same interface and the same expectations.

Each provider must make a new invoice payable (billing code, or hosted page), and a
confirmation from its own channel (signed bank callback, signed webhook) must end in
one ``record_payment``: one payment, the order cleared, duplicates answered calmly.
"""

import pytest
import sqlalchemy as sa

from core.extensions import db
from orders.models import InvoiceStatus, OrderState, Payment
from orders.payments import PaymentProvider, provider_named
from tests.orders.conftest import callback_body, post_callback
from tests.support.orders_catalog import MAP
from tests.support.stripe_fake import sign, stripe_fake


class LocalBank:
    name = "local"

    def config(self):
        return {"STATDESK_PAYMENT_PROVIDER": "local"}

    def payable(self, invoice) -> bool:
        return invoice.billing_code is not None and len(invoice.billing_code) == 15

    def pay(self, client, invoice):
        return post_callback(client, callback_body(invoice.billing_code, invoice.amount, reference="REF-1"))


class StripeCustomerPays:
    name = "stripe"

    def __init__(self, fake):
        self.fake = fake

    def config(self):
        return {"STATDESK_PAYMENT_PROVIDER": "stripe", "STATDESK_STRIPE_API_KEY": "sk_test_statdesk",
                "STATDESK_STRIPE_API_BASE": self.fake.url, "STATDESK_STRIPE_WEBHOOK_SECRET": "whsec_x"}

    def payable(self, invoice) -> bool:
        return invoice.provider_ref in self.fake.invoices and bool(invoice.hosted_url)

    def pay(self, client, invoice):
        remote = self.fake.invoices[invoice.provider_ref]
        payload = self.fake.event("invoice.paid", self.fake.fund(invoice.provider_ref, remote["amount_due"]),
                                  event_id=f"evt_{invoice.number}")
        return client.post("/api/v1/payments/stripe/webhook", data=payload,
                           headers={"Stripe-Signature": sign(payload, "whsec_x")})


@pytest.fixture(params=["local", "stripe"])
def payer(request):
    if request.param == "local":
        yield LocalBank()
        return
    with stripe_fake("sk_test_statdesk") as fake:
        yield StripeCustomerPays(fake)


@pytest.fixture
def app_config(app_config, payer):
    return dict(app_config, **payer.config())


def test_provider_satisfies_the_interface(app, payer):
    with app.app_context():
        provider = provider_named(payer.name)
    assert isinstance(provider.name, str) and provider.name == payer.name
    for method in ("prepare", "publish"):
        assert callable(getattr(provider, method))
    assert set(PaymentProvider.__annotations__) <= set(vars(type(provider))) | set(vars(provider))


def test_provider_makes_the_invoice_payable_and_its_confirmation_pays_once(app, client, shop, payer):
    email = shop.consumer()
    [order_id] = shop.order(email, (MAP, 1, {"region": "5271"}))
    invoice = shop.invoice(order_id)
    assert invoice.provider == payer.name and payer.payable(invoice)

    first, second = payer.pay(client, invoice), payer.pay(client, invoice)

    assert (first.status_code, second.status_code) == (200, 200)
    assert (first.json["status"], second.json["status"]) == ("received", "duplicate")
    assert shop.invoice(order_id).status is InvoiceStatus.PAID
    assert shop.get(order_id).state is OrderState.DELIVERED
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Payment)) == 1
