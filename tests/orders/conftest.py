"""Fixtures for the orders tests: a catalog, ordering helpers and signed bank callbacks."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa

from accounts.models import Segment, User
from core import clock
from core.extensions import db
from orders import services
from orders.models import Invoice, Order
from orders.payments.local import signed_headers
from tests.support import orders_catalog

SECRET = "test-bank-secret"


@pytest.fixture
def app_config(app_config):
    return dict(app_config, STATDESK_BANK_CALLBACK_SECRET=SECRET)


@pytest.fixture
def catalog(app):
    return orders_catalog.install(app)


def upload(name: str = "abstract.pdf", content: bytes = b"%PDF-1.4 abstract"):
    from werkzeug.datastructures import FileStorage

    return FileStorage(stream=io.BytesIO(content), filename=name)


class Shop:
    """Places orders through the services, as the checkout page does."""

    def __init__(self, app, users):
        self.app = app
        self.users = users

    def consumer(self, segment: Segment = Segment.PUBLIC, institution: str = "", **kwargs) -> str:
        return self.users.make("consumer", segment=segment, institution=institution, **kwargs)

    def order(self, email: str, *lines, non_commercial=False, purpose="", abstract=None, letter=None) -> list[int]:
        """``lines``: ``(item_id, quantity, options)``; returns the new order ids."""
        with self.app.app_context():
            user = db.session.scalar(sa.select(User).where(User.email == email))
            for item_id, quantity, options in lines:
                services.add_to_cart(user, item_id, quantity, options.get("region", ""), options.get("variables"))
            orders = services.checkout(user, services.CheckoutRequest(
                non_commercial=non_commercial, purpose=purpose, abstract=abstract, letter=letter))
            return [o.id for o in orders]

    def get(self, order_id: int) -> Order:
        with self.app.app_context():
            order = db.session.get(Order, order_id)
            _ = order.invoice and order.invoice.payment, list(order.lines)
            db.session.expunge_all()
            return order

    def invoice(self, order_id: int) -> Invoice:
        with self.app.app_context():
            invoice = db.session.scalar(sa.select(Invoice).where(Invoice.order_id == order_id))
            db.session.expunge_all()
            return invoice


@pytest.fixture
def shop(app, users, catalog):
    return Shop(app, users)


def callback_body(billing_code: str, amount: int, reference: str = "BNI-0001", ntpn: str = "0A1B2C3D4E5F6G7H") -> bytes:
    return json.dumps({"billing_code": billing_code, "amount": amount, "bank_reference": reference,
                       "ntpn": ntpn, "paid_at": clock.now().isoformat()}).encode()


def post_callback(client, body: bytes, secret: str = SECRET, timestamp: int | None = None, headers=None):
    sent = headers if headers is not None else signed_headers(body, secret, timestamp)
    return client.post("/api/v1/payments/local/callback", data=body,
                       headers={**sent, "Content-Type": "application/json"})


class Ledger:
    """A few months of business for the finance tests: paid, open, zero-rupiah and free orders."""

    def __init__(self, app, shop, client):
        from tests.support.orders_catalog import MAP, PUBLICATION_FREE, PUBLICATION_PAID

        self.app, self.shop = app, shop
        self.public = shop.consumer()
        self.private = shop.consumer(Segment.PRIVATE, "PT Data Nusantara")
        self.academic = shop.consumer(Segment.ACADEMIC, "Universitas Mataram")
        self.agency = shop.consumer(Segment.GOVERNMENT, "Bappeda NTB")
        [self.map_order] = shop.order(self.public, (MAP, 2, {"region": "5203"}))
        [self.publication_order] = shop.order(self.private, (PUBLICATION_PAID, 2, {}))
        [self.open_order] = shop.order(self.academic, (PUBLICATION_PAID, 1, {}))
        [self.free_order] = shop.order(self.public, (PUBLICATION_FREE, 1, {}))
        [self.zero_order] = shop.order(self.agency, (PUBLICATION_PAID, 1, {}), non_commercial=True,
                                       purpose="Perencanaan daerah", letter=upload("surat.pdf"))
        for order_id, reference in ((self.map_order, "BNI-1"), (self.publication_order, "BNI-2")):
            invoice = shop.invoice(order_id)
            post_callback(client, callback_body(invoice.billing_code, invoice.amount, reference))

    def invoice(self, order_id: int) -> Invoice:
        return self.shop.invoice(order_id)


@pytest.fixture
def ledger(app, shop, client):
    return Ledger(app, shop, client)
