"""The microdata flow: abstract, operator review, sample, agreement, payment, preparation, delivery."""

from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from accounts.models import User
from core.errors import DomainError
from core.extensions import db
from orders import workflow
from orders.models import FulfilmentTask, OrderState
from tests.orders.conftest import callback_body, post_callback, upload
from tests.support.orders_catalog import MICRODATA


@contextmanager
def as_user(email):
    yield db.session.scalar(sa.select(User).where(User.email == email))


def _staff(app, operator, order_id, action, *args):
    with app.app_context(), as_user(operator) as staff:
        action(workflow.order_for(staff, order_id, staff_view=True), staff, *args)


def test_microdata_needs_a_data_use_abstract(shop):
    email = shop.consumer()
    with pytest.raises(DomainError, match="abstraksi"):
        shop.order(email, (MICRODATA, 1, {"variables": ["r101"]}))


def test_variables_must_belong_to_the_dataset(shop):
    email = shop.consumer()
    with pytest.raises(DomainError):
        shop.order(email, (MICRODATA, 1, {"variables": ["salary"]}), abstract=upload())


def test_rejected_abstract_shows_the_reason_to_the_consumer(app, shop, users, client, login, outbox):
    email = shop.consumer()
    [order_id] = shop.order(email, (MICRODATA, 1, {"variables": ["r101", "r105"]}), abstract=upload())
    operator = users.make("operator")
    _staff(app, operator, order_id, workflow.reject, "The abstract does not need household expenditure.")

    assert shop.get(order_id).state is OrderState.REJECTED
    assert outbox()[-1].kind == "order_rejected"
    login(email)
    page = client.get(f"/orders/{order_id}").get_data(as_text=True)
    assert "The abstract does not need household expenditure." in page


def test_approved_microdata_is_paid_agreed_prepared_and_delivered(app, shop, users, client, login):
    email = shop.consumer()
    [order_id] = shop.order(email, (MICRODATA, 1, {"variables": ["r101"]}), abstract=upload())
    operator = users.make("operator")
    _staff(app, operator, order_id, workflow.approve, upload("sample.csv", b"r101\n1\n"))
    invoice = shop.invoice(order_id)
    assert shop.get(order_id).state is OrderState.AWAITING_PAYMENT and invoice.amount == 1_250_000

    assert post_callback(client, callback_body(invoice.billing_code, 1_250_000)).status_code == 200
    assert shop.get(order_id).state is OrderState.AWAITING_AGREEMENT

    login(email)
    assert client.get(f"/orders/{order_id}/sample").status_code == 200
    pdf = client.get(f"/orders/{order_id}/agreement.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.post(f"/orders/{order_id}/agreement", data={}).status_code == 302
    assert shop.get(order_id).state is OrderState.IN_FULFILMENT

    with app.app_context(), as_user(operator) as staff:
        task = db.session.scalar(sa.select(FulfilmentTask).where(FulfilmentTask.order_id == order_id))
        workflow.finish_task(task, staff, [upload("susenas-extract.csv", b"r101\n1\n2\n")])
    assert shop.get(order_id).state is OrderState.DELIVERED
    page = client.get(f"/orders/{order_id}").get_data(as_text=True)
    assert "susenas-extract.csv" in page


def test_agreement_signed_before_payment_lets_payment_go_straight_to_preparation(app, shop, users, client,
                                                                                  login):
    email = shop.consumer()
    [order_id] = shop.order(email, (MICRODATA, 1, {"variables": ["r101"]}), abstract=upload())
    _staff(app, users.make("operator"), order_id, workflow.approve)
    login(email)
    response = client.post(f"/orders/{order_id}/agreement",
                           data={"signed_copy": (upload("sppd.pdf").stream, "sppd-signed.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    invoice = shop.invoice(order_id)
    assert post_callback(client, callback_body(invoice.billing_code, invoice.amount)).status_code == 200
    assert shop.get(order_id).state is OrderState.IN_FULFILMENT


def test_consumers_cannot_review_their_own_orders(app, shop):
    email = shop.consumer()
    [order_id] = shop.order(email, (MICRODATA, 1, {"variables": ["r101"]}), abstract=upload())
    with app.app_context(), as_user(email) as consumer, pytest.raises(DomainError):
        workflow.approve(workflow.order_for(consumer, order_id), consumer)
