"""The order state machine: only listed transitions happen, each with one audit entry."""

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.models import AuditEntry
from orders import states
from orders.models import Order, OrderState, TransactionKind
from orders.states import TRANSITIONS, TransitionError
from tests.support.orders_catalog import MAP


def test_final_states_have_no_way_out_but_a_refund_of_a_delivered_order():
    for (event, source), targets in TRANSITIONS.items():
        if source.is_final:
            assert (event, source, targets) == ("refund", OrderState.DELIVERED, {OrderState.CANCELLED})


def test_every_target_state_is_reachable_and_every_state_is_named():
    reachable = {target for targets in TRANSITIONS.values() for target in targets} | states.INITIAL_STATES
    assert reachable == set(OrderState)


def test_a_transition_outside_the_table_is_refused_and_changes_nothing(app, shop):
    email = shop.consumer()
    [order_id] = shop.order(email, (MAP, 1, {"region": "5203"}))
    with app.app_context():
        order = db.session.get(Order, order_id)
        with pytest.raises(TransitionError):
            states.apply(order, "deliver", OrderState.DELIVERED)
        with pytest.raises(TransitionError):
            states.apply(order, "pay", OrderState.REJECTED)
        assert order.state is OrderState.AWAITING_PAYMENT


def test_each_transition_writes_one_audit_entry(app, shop):
    email = shop.consumer()
    [order_id] = shop.order(email, (MAP, 1, {"region": "5203"}))
    with app.app_context():
        order = db.session.get(Order, order_id)
        states.apply(order, "cancel", OrderState.CANCELLED)
        db.session.commit()
        actions = db.session.scalars(sa.select(AuditEntry.action).where(
            AuditEntry.object_type == "Order", AuditEntry.object_id == str(order_id)).order_by(AuditEntry.id)).all()
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "order.cancel"))
    assert actions == ["order.create", "order.cancel"]
    assert (entry.details["from_state"], entry.details["to_state"]) == ("awaiting_payment", "cancelled")


def test_orders_cannot_start_in_a_final_state(app):
    with app.app_context(), pytest.raises(ValueError):
        states.start(Order(kind=TransactionKind.FREE), OrderState.REJECTED)
