"""The consumer pages: cart, checkout with uploads, live status, bank simulator, CLI and CSRF exemption."""

import io
import re

import pytest
import sqlalchemy as sa

from core.extensions import db
from orders.models import Order, OrderState, Payment
from tests.orders.conftest import callback_body, post_callback
from tests.support.orders_catalog import MAP, MICRODATA


def test_consumer_adds_to_cart_and_checks_out_microdata_with_an_abstract(app, shop, client, login):
    email = login(shop.consumer())
    response = client.post("/cart/add", data={"item_id": MICRODATA, "quantity": 1, "variables": ["r101", "r102"]})
    assert response.status_code == 302
    cart = client.get("/cart").get_data(as_text=True)
    assert "r101, r102" in cart and "Susenas Maret 2025" in cart and "Rp 1.250.000" in cart
    response = client.post("/checkout", data={"abstract": (io.BytesIO(b"%PDF abstract"), "abstrak.pdf"),
                                              "purpose": "Penelitian kemiskinan"},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        order = db.session.scalar(sa.select(Order))
        assert order.state is OrderState.PENDING_REVIEW and order.abstract_key
        assert order.user.email == email


def test_checkout_without_the_abstract_explains_and_keeps_the_cart(app, shop, client, login):
    login(shop.consumer())
    client.post("/cart/add", data={"item_id": MICRODATA, "quantity": 1, "variables": ["r101"]})
    response = client.post("/checkout", data={}, follow_redirects=True)
    assert "abstraksi" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 0
    assert "r101" in client.get("/cart").get_data(as_text=True)


def test_unknown_item_cannot_be_added(shop, client, login):
    login(shop.consumer())
    assert client.post("/cart/add", data={"item_id": 999, "quantity": 1}).status_code == 404


def test_a_region_the_map_is_not_sold_for_is_refused(shop, client, login):
    login(shop.consumer())
    assert client.post("/cart/add", data={"item_id": MAP, "quantity": 1, "region": "9999"}).status_code == 400


def test_status_json_follows_the_payment(app, shop, client, login):
    email = shop.consumer()
    [order_id] = shop.order(email, (MAP, 1, {"region": "5203"}))
    login(email)
    before = client.get(f"/orders/{order_id}/status.json").json
    assert (before["state"], before["paid"]) == ("awaiting_payment", False)
    invoice = shop.invoice(order_id)
    post_callback(client, callback_body(invoice.billing_code, invoice.amount))
    after = client.get(f"/orders/{order_id}/status.json")
    assert after.json["paid"] is True and after.json["delivered"] is True
    assert after.headers["Cache-Control"] == "no-store"


def test_order_page_loads_the_status_script_without_inline_script(shop, client, login):
    email = shop.consumer()
    [order_id] = shop.order(email, (MAP, 1, {"region": "5203"}))
    login(email)
    page = client.get(f"/orders/{order_id}").get_data(as_text=True)
    script = re.search(r'src="(/orders/static/order_status\.[0-9a-f]{10}\.js)"', page)  # content-hashed name
    assert script and "<script>" not in page
    assert client.get(script.group(1)).status_code == 200


def test_bank_simulator_pays_through_the_signed_callback(app, shop, client, login):
    email = shop.consumer()
    [order_id] = shop.order(email, (MAP, 1, {"region": "5203"}))
    invoice = shop.invoice(order_id)
    login(email)
    response = client.post("/bank-simulator", data={"billing_code": invoice.billing_code, "amount": invoice.amount})
    assert response.status_code == 200 and 'id="simulator-answer"' in response.get_data(as_text=True)
    assert shop.get(order_id).state is OrderState.DELIVERED
    wrong = client.post("/bank-simulator", data={"billing_code": invoice.billing_code, "amount": 1})
    assert wrong.status_code == 409


def test_flask_orders_pay_pays_a_billing_code(app, shop):
    email = shop.consumer()
    [order_id] = shop.order(email, (MAP, 1, {"region": "5203"}))
    invoice = shop.invoice(order_id)
    result = app.test_cli_runner().invoke(args=["orders", "pay", invoice.billing_code])
    assert result.exit_code == 0, result.output
    assert "received" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(Payment.source)) == "cli"


def test_flask_orders_expire_runs_the_sweep(app):
    result = app.test_cli_runner().invoke(args=["orders", "expire"])
    assert result.exit_code == 0 and "expired: 0" in result.output


@pytest.fixture
def csrf_app(app_config):
    from app import create_app

    return create_app(dict(app_config, WTF_CSRF_ENABLED=True))


def test_bank_callback_needs_no_csrf_token_but_forms_do(csrf_app, users):
    from tests.support import orders_catalog

    orders_catalog.install(csrf_app)
    client = csrf_app.test_client()
    response = post_callback(client, callback_body("123456789012347", 1000))
    assert response.status_code == 404  # reached the handler: unknown billing code, not a CSRF 400
    webhook = client.post("/api/v1/payments/stripe/webhook", data=b"{}", headers={"Stripe-Signature": "t=1,v1=x"})
    assert webhook.status_code == 400 and webhook.json["reason"] == "bad_signature"
    assert client.post("/cart/add", data={"item_id": MAP}).status_code in (302, 400)


def test_an_unavailable_catalog_answers_503_not_500(app, users, client, login):
    from orders.catalog_port import CatalogUnavailable, set_source

    class Down:
        def orderable_item(self, item_id, user):
            raise CatalogUnavailable("down for maintenance")

    set_source(app, Down())
    login(users.make("consumer"))
    assert client.post("/cart/add", data={"item_id": 1, "quantity": 1}).status_code == 503


def test_order_history_lists_only_the_consumers_own_orders(shop, client, login):
    mine = shop.consumer()
    theirs = shop.consumer()
    [my_order] = shop.order(mine, (MAP, 1, {"region": "5203"}))
    [their_order] = shop.order(theirs, (MAP, 1, {"region": "5271"}))
    login(mine)
    page = client.get("/orders?lang=en").get_data(as_text=True)
    assert shop.get(my_order).number in page and shop.get(their_order).number not in page


def test_desk_filters_by_state_and_kind(shop, users, client, login):
    email = shop.consumer()
    [paid] = shop.order(email, (MAP, 1, {"region": "5203"}))
    [review] = shop.order(email, (MICRODATA, 1, {"variables": ["r101"]}), abstract=_abstract())
    login(users.make("operator"))
    page = client.get("/desk/orders?state=pending_review&kind=paid").get_data(as_text=True)
    assert shop.get(review).number in page and shop.get(paid).number not in page


def test_desk_filters_that_name_no_state_show_every_order(shop, users, client, login):
    email = shop.consumer()
    [paid] = shop.order(email, (MAP, 1, {"region": "5203"}))
    [review] = shop.order(email, (MICRODATA, 1, {"variables": ["r101"]}), abstract=_abstract())
    login(users.make("operator"))
    response = client.get("/desk/orders?state=lost&kind=" + "9" * 30)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and shop.get(review).number in page and shop.get(paid).number in page
    assert "selected" not in page.split('name="state"', 1)[1].split("</select>", 1)[0]


def _abstract():
    from tests.orders.conftest import upload

    return upload()


@pytest.fixture
def limited_app(app_config):
    from app import create_app

    return create_app(dict(app_config, RATELIMIT_ENABLED=True, STATDESK_PAYMENT_CALLBACK_RATE="3/minute"))


def test_payment_callbacks_are_rate_limited(limited_app):
    client = limited_app.test_client()
    codes = [post_callback(client, callback_body("123456789012347", 1000)).status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]
