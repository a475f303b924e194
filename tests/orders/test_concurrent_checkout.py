"""On PostgreSQL: twenty simultaneous submissions of one cart place one order with one invoice."""

import re

import pytest
import sqlalchemy as sa

from accounts.models import User
from core.extensions import db
from orders import services
from orders.models import CartLine, Invoice, Order
from tests.support.concurrency import THREADS, run_together, signed_in_clients
from tests.support.orders_catalog import MAP, PUBLICATION_PAID

pytestmark = pytest.mark.postgresql_only


def submission_token(html: str) -> str:
    """The checkout form's one-time submission token ("" when the page carries none)."""
    found = re.search(r'name="submission"[^>]*value="([^"]+)"', html)
    return found.group(1) if found else ""


def test_twenty_simultaneous_submissions_of_one_cart_place_one_order(app, shop, users, backend):
    if backend != "postgresql":
        pytest.skip("runs on the PostgreSQL pass")
    email = shop.consumer()
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        services.add_to_cart(user, MAP, 1, "5203")
        services.add_to_cart(user, PUBLICATION_PAID, 2)
    [client] = signed_in_clients(app, [email], users.PASSWORD)
    token = submission_token(client.get("/cart").get_data(as_text=True))
    clients = [app.test_client() for _ in range(THREADS)]
    for other in clients:  # one browser: a double (or twentyfold) click on "Place order"
        other.set_cookie("session", client.get_cookie("session").value)

    responses = run_together(lambda i: clients[i].post("/checkout", data={"submission": token}))

    with app.app_context():
        orders = db.session.scalars(sa.select(Order)).all()
        invoices = db.session.scalar(sa.select(sa.func.count()).select_from(Invoice))
        cart = db.session.scalar(sa.select(sa.func.count()).select_from(CartLine))
        assert (len(orders), invoices, cart) == (1, 1, 0)
        assert {(r.status_code, r.headers["Location"]) for r in responses} == {(302, f"/orders/{orders[0].id}")}
