"""One cart submission places its orders once: a repeated form finds them, an emptied cart orders nothing."""

import sqlalchemy as sa

from accounts.models import User
from core.extensions import db
from orders import services
from orders.models import Order
from tests.orders.test_concurrent_checkout import submission_token
from tests.support.orders_catalog import MAP


def _cart(app, email):
    with app.app_context():
        services.add_to_cart(db.session.scalar(sa.select(User).where(User.email == email)), MAP, 1, "5203")


def test_submitting_the_same_checkout_form_twice_places_one_order(app, shop, client, login):
    email = shop.consumer()
    _cart(app, email)
    login(email)
    token = submission_token(client.get("/cart").get_data(as_text=True))
    first, again = (client.post("/checkout", data={"submission": token}) for _ in range(2))
    with app.app_context():
        [order] = db.session.scalars(sa.select(Order)).all()
    assert first.headers["Location"] == again.headers["Location"] == f"/orders/{order.id}"
    assert order.number in client.get(again.headers["Location"]).get_data(as_text=True)


def test_a_second_form_for_a_cart_already_ordered_places_nothing(app, shop, client, login):
    email = shop.consumer()
    _cart(app, email)
    login(email)
    tokens = [submission_token(client.get("/cart").get_data(as_text=True)) for _ in range(2)]  # two tabs
    assert tokens[0] and tokens[0] != tokens[1]
    client.post("/checkout", data={"submission": tokens[0]})
    refused = client.post("/checkout", data={"submission": tokens[1]}, follow_redirects=True)
    assert "Keranjang Anda kosong" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 1


def test_another_users_token_finds_nothing(app, shop, client, login):
    owner, other = shop.consumer(), shop.consumer()
    _cart(app, owner)
    login(owner)
    token = submission_token(client.get("/cart").get_data(as_text=True))
    client.post("/checkout", data={"submission": token})
    client.post("/logout")
    login(other)
    response = client.post("/checkout", data={"submission": token}, follow_redirects=True)
    assert "Keranjang Anda kosong" in response.get_data(as_text=True)


def test_a_malformed_token_is_refused(app, shop, client, login):
    email = shop.consumer()
    _cart(app, email)
    login(email)
    assert client.post("/checkout", data={"submission": "x" * 65}).status_code == 400
    assert client.post("/checkout", data={"submission": "<script>"}).status_code == 400
