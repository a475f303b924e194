"""``order_state_changed`` is sent once per transition, after commit, never for a rolled-back change."""

import pytest

from orders.signals import order_state_changed
from tests.orders.conftest import callback_body, post_callback
from tests.support.orders_catalog import MAP


@pytest.fixture
def received(app):
    seen = []

    def receiver(sender, **payload):
        seen.append(payload)

    order_state_changed.connect(receiver, sender=app)
    yield seen
    order_state_changed.disconnect(receiver, sender=app)


def test_a_replayed_payment_announces_one_transition(app, shop, client, received):
    email = shop.consumer()
    [order_id] = shop.order(email, (MAP, 1, {"region": "5203"}))
    invoice = shop.invoice(order_id)
    body = callback_body(invoice.billing_code, invoice.amount)
    for _ in range(10):
        post_callback(client, body)
    assert [(p["event"], p["to_state"]) for p in received] == [("create", "awaiting_payment"), ("pay", "delivered")]
    assert {p["order_id"] for p in received} == {order_id}


def test_a_refused_payment_announces_nothing(app, shop, client, received):
    email = shop.consumer()
    [order_id] = shop.order(email, (MAP, 1, {"region": "5203"}))
    invoice = shop.invoice(order_id)
    received.clear()
    assert post_callback(client, callback_body(invoice.billing_code, 1)).status_code == 422
    assert received == []


def test_a_rolled_back_transition_is_never_announced(app, shop, received):
    from core.extensions import db
    from orders import states
    from orders.models import Order, OrderState

    email = shop.consumer()
    [order_id] = shop.order(email, (MAP, 1, {"region": "5203"}))
    received.clear()
    with app.app_context():
        states.apply(db.session.get(Order, order_id), "cancel", OrderState.CANCELLED)
        db.session.rollback()
        db.session.commit()
    assert received == [] and shop.get(order_id).state is OrderState.AWAITING_PAYMENT
