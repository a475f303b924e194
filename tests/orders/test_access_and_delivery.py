"""Another consumer's things answer 404; download links re-check everything and explain themselves."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from core import clock
from core.extensions import db
from core.models import AuditEntry
from tests.orders.conftest import callback_body, post_callback
from tests.support.orders_catalog import MAP, PUBLICATION_FREE


@pytest.fixture
def paid_order(shop, client):
    owner = shop.consumer()
    [order_id] = shop.order(owner, (MAP, 1, {"region": "5203"}))
    invoice = shop.invoice(order_id)
    assert post_callback(client, callback_body(invoice.billing_code, invoice.amount)).status_code == 200
    return owner, order_id


def _download_link(client, order_id) -> str:
    page = client.get(f"/orders/{order_id}").get_data(as_text=True)
    return re.search(r'href="(/orders/download/[^"]+)"', page).group(1)


@pytest.mark.parametrize("path", ["", "/status.json", "/invoice.pdf", "/receipt.pdf", "/agreement.pdf"])
def test_another_consumers_order_pages_answer_404(shop, client, login, paid_order, path):
    _, order_id = paid_order
    login(shop.consumer())
    assert client.get(f"/orders/{order_id}{path}").status_code == 404


def test_another_consumers_download_link_answers_404(app, shop, client, login, paid_order):
    owner, order_id = paid_order
    login(owner)
    link = _download_link(client, order_id)
    client.post("/logout")
    login(shop.consumer())
    assert client.get(link).status_code == 404


def test_owner_downloads_the_file_with_no_store_no_referrer_and_sha256(app, client, login, paid_order):
    owner, order_id = paid_order
    login(owner)
    response = client.get(_download_link(client, order_id))
    assert response.status_code == 200 and response.data == b"PK map data"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    import hashlib

    assert response.headers["X-Content-SHA256"] == hashlib.sha256(b"PK map data").hexdigest()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "delivery.download")) == 1


def test_receipt_is_available_to_the_owner_after_payment(client, login, paid_order):
    owner, order_id = paid_order
    login(owner)
    response = client.get(f"/orders/{order_id}/receipt.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_a_used_up_link_explains_itself(app, client, login, paid_order):
    owner, order_id = paid_order
    login(owner)
    link = _download_link(client, order_id)
    for _ in range(app.config["STATDESK_DOWNLOAD_LIMIT"]):
        assert client.get(link).status_code == 200
    response = client.get(link)
    assert response.status_code == 410
    assert "maksimum" in response.get_data(as_text=True) or "maximum" in response.get_data(as_text=True)


def test_an_expired_link_explains_itself(app, shop, client, login):
    owner = shop.consumer()
    with clock.frozen(clock.now()):
        [order_id] = shop.order(owner, (PUBLICATION_FREE, 1, {}))
        login(owner)
        link = _download_link(client, order_id)
        clock.advance(timedelta(days=app.config["STATDESK_DOWNLOAD_LINK_DAYS"], seconds=1))
        response = client.get(link)
    assert response.status_code == 410
    assert 'id="download-problem"' in response.get_data(as_text=True)


def test_a_tampered_link_answers_404(client, login, paid_order):
    owner, order_id = paid_order
    login(owner)
    assert client.get(_download_link(client, order_id) + "x").status_code == 404


def test_staff_desk_is_closed_to_consumers(shop, client, login, paid_order):
    _, order_id = paid_order
    login(shop.consumer())
    assert client.get(f"/desk/orders/{order_id}").status_code == 403
    assert client.get("/desk/orders").status_code == 403


def test_operator_finds_an_order_on_the_desk_by_billing_code(shop, users, client, login):
    owner = shop.consumer()
    [order_id] = shop.order(owner, (MAP, 1, {"region": "5203"}))
    invoice = shop.invoice(order_id)
    login(users.make("operator"))
    page = client.get(f"/desk/orders?q={invoice.billing_code}").get_data(as_text=True)
    assert shop.get(order_id).number in page
    assert client.get(f"/desk/orders/{order_id}").status_code == 200


def test_finance_sees_the_desk_but_cannot_approve(app, shop, users, client, login):
    from tests.orders.conftest import upload
    from tests.support.orders_catalog import MICRODATA

    email = shop.consumer()
    [order_id] = shop.order(email, (MICRODATA, 1, {"variables": ["r101"]}), abstract=upload())
    login(users.make("finance"))
    page = client.get(f"/desk/orders/{order_id}")
    assert page.status_code == 200 and 'id="approve"' not in page.get_data(as_text=True)
    assert client.post(f"/desk/orders/{order_id}/approve").status_code == 403
