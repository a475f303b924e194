"""Regular consumers order the same data again from an earlier order."""

import sqlalchemy as sa

from accounts.models import User
from core.extensions import db
from orders.models import OrderState
from orders.services import cart_lines
from tests.support.orders_catalog import MAP, PUBLICATION_FREE, PUBLICATION_PAID


def _cart(app, email):
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        return [(line.item_id, line.quantity, line.options) for line in cart_lines(user)]


def test_a_delivered_order_goes_back_into_the_cart(app, shop, client, login):
    email = login(shop.consumer())
    [order_id] = shop.order(email, (PUBLICATION_FREE, 3, {}))
    assert shop.get(order_id).state is OrderState.DELIVERED
    response = client.post(f"/orders/{order_id}/again")
    assert response.status_code == 302 and response.headers["Location"] == "/cart"
    assert _cart(app, email) == [(PUBLICATION_FREE, 3, {})]


def test_items_no_longer_orderable_are_named_and_left_out(app, shop, client, login, catalog):
    email = login(shop.consumer())
    [order_id] = shop.order(email, (PUBLICATION_PAID, 1, {}), (MAP, 2, {"region": "5203"}))
    assert client.post(f"/orders/{order_id}/cancel").status_code == 302
    catalog.hidden.add(MAP)
    body = client.post(f"/orders/{order_id}/again", follow_redirects=True).get_data(as_text=True)
    assert "tidak ditambahkan: Peta Wilkerstat" in body
    assert _cart(app, email) == [(PUBLICATION_PAID, 1, {})]


def test_an_order_still_in_progress_offers_no_repeat_button(app, shop, client, login):
    email = login(shop.consumer())
    [order_id] = shop.order(email, (PUBLICATION_PAID, 1, {}))
    assert f"/orders/{order_id}/again" not in client.get(f"/orders/{order_id}").get_data(as_text=True)


def test_nobody_orders_again_from_someone_elses_order(app, shop, client, login):
    [order_id] = shop.order(shop.consumer(), (PUBLICATION_FREE, 1, {}))
    login(shop.consumer())
    assert client.post(f"/orders/{order_id}/again").status_code == 404
