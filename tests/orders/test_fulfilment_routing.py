"""Data preparation goes to an operator on duty through the roster engine, like consultations."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core import clock
from core.extensions import db
from orders import workflow
from orders.fulfilment import ITEM_TYPE
from orders.models import FulfilmentTask, OrderState
from roster.models import WorkItem, WorkStatus
from tests.orders.conftest import callback_body, post_callback, upload
from tests.orders.test_microdata_flow import _staff, as_user
from tests.support.orders_catalog import MICRODATA
from tests.support.roster import RosterMaker, wib

MONDAY_10 = wib(2026, 11, 16, 10)


@pytest.fixture
def roster(app, users):
    return RosterMaker(app, users)


def _to_preparation(app, shop, users, client, login) -> int:
    email = shop.consumer()
    [order_id] = shop.order(email, (MICRODATA, 1, {"variables": ["r101"]}), abstract=upload())
    _staff(app, users.make("operator"), order_id, workflow.approve)
    invoice = shop.invoice(order_id)
    post_callback(client, callback_body(invoice.billing_code, invoice.amount))
    login(email)
    client.post(f"/orders/{order_id}/agreement", data={})
    assert shop.get(order_id).state is OrderState.IN_FULFILMENT
    return order_id


def _routing(app, order_id):
    with app.app_context():
        task = db.session.scalar(sa.select(FulfilmentTask).where(FulfilmentTask.order_id == order_id))
        item = db.session.scalar(sa.select(WorkItem).where(WorkItem.item_type == ITEM_TYPE,
                                                            WorkItem.item_id == str(task.id)))
        return task.assignee_id, item.status, item.assignee_id, item.kind


def test_the_task_goes_to_the_operator_on_duty_who_prepares_data(app, shop, users, client, login, roster):
    roster.operator(shifts=[(0, "08:00", "16:00", "data")])  # on duty, but does not prepare data
    preparer = roster.operator(shifts=[(0, "08:00", "16:00", "fulfilment")])
    with clock.frozen(MONDAY_10):
        order_id = _to_preparation(app, shop, users, client, login)
    assert _routing(app, order_id) == (preparer, WorkStatus.ASSIGNED, preparer, "fulfilment")


def test_with_nobody_on_duty_the_task_waits_and_the_shift_picks_it_up(app, shop, users, client, login, roster):
    preparer = roster.operator(shifts=[(0, "13:00", "16:00", "fulfilment")])
    with clock.frozen(MONDAY_10):
        order_id = _to_preparation(app, shop, users, client, login)
        assert _routing(app, order_id)[:2] == (None, WorkStatus.QUEUED)
        clock.advance(MONDAY_10.replace(hour=13, minute=5) - MONDAY_10)
        with app.app_context():
            from roster.services import drain_queue_sweep

            drain_queue_sweep()
        assert _routing(app, order_id)[:3] == (preparer, WorkStatus.ASSIGNED, preparer)


def test_finishing_the_task_releases_the_operators_load(app, shop, users, client, login, roster):
    from roster.models import OperatorState

    preparer_email = "penyiap@example.org"
    preparer = roster.operator(shifts=[(0, "08:00", "16:00", "fulfilment")], email=preparer_email)
    with clock.frozen(MONDAY_10):
        order_id = _to_preparation(app, shop, users, client, login)
        with app.app_context(), as_user(preparer_email) as staff:
            task = db.session.scalar(sa.select(FulfilmentTask).where(FulfilmentTask.order_id == order_id))
            workflow.finish_task(task, staff, [upload("ekstrak.csv", b"r101\n1\n")])
    assert shop.get(order_id).state is OrderState.DELIVERED
    assert _routing(app, order_id)[1] is WorkStatus.DONE
    with app.app_context():
        assert db.session.get(OperatorState, preparer).open_items == 0


def test_an_operator_takes_a_queued_task_but_not_a_colleagues(app, shop, users, client, login, roster):
    busy = roster.operator(shifts=[(0, "08:00", "16:00", "fulfilment")])
    with clock.frozen(MONDAY_10):
        order_id = _to_preparation(app, shop, users, client, login)
    assert _routing(app, order_id)[0] == busy
    other = users.make("operator")
    from core.errors import DomainError

    with app.app_context(), as_user(other) as staff, pytest.raises(DomainError):
        task = db.session.scalar(sa.select(FulfilmentTask).where(FulfilmentTask.order_id == order_id))
        workflow.take_task(task, staff)


def test_an_operator_at_quota_cannot_take_a_queued_task(app, shop, users, client, login, roster):
    roster.operator(shifts=[(6, "08:00", "16:00", "fulfilment")], quota=0, email="penuh@example.org")
    with clock.frozen(MONDAY_10):  # nobody prepares data on Mondays: the task waits in the queue
        order_id = _to_preparation(app, shop, users, client, login)
        with app.app_context():
            task_id = db.session.scalar(sa.select(FulfilmentTask.id).where(FulfilmentTask.order_id == order_id))
        client.post("/logout")
        login("penuh@example.org")
        response = client.post(f"/desk/tasks/{task_id}/take")
    assert response.status_code == 409 and "kuota" in response.get_data(as_text=True)
    assert _routing(app, order_id)[:3] == (None, WorkStatus.QUEUED, None)
