"""Invoices and fulfilment tasks change state only through their tables, like orders and tickets.

The forbidden moves are generated (every event of the table, and one it does not
know, × every state × every state, minus the table), so a state or an entry added
later is covered without touching this file.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

import consultation.states
import core.states
from consultation.models import Status, Ticket
from core import clock
from core.extensions import db
from core.models import AuditEntry
from orders import states, workflow
from orders.invoicing import expire_due_invoices
from orders.models import FulfilmentTask, Invoice, InvoiceStatus, Order, OrderState, TaskState
from tests.orders.conftest import callback_body, post_callback, upload
from tests.orders.test_microdata_flow import _staff, as_user
from tests.support.orders_catalog import MAP, MICRODATA

MACHINES = {
    "invoice": (states.INVOICES, Invoice, InvoiceStatus),
    "task": (states.TASKS, FulfilmentTask, TaskState),
    "order": (states.ORDERS, Order, OrderState),
    "ticket": (consultation.states.MACHINE, Ticket, Status),
}


def _in_state(model, machine, state):
    """A transient object already in ``state`` (set as if loaded, so no guard or event fires)."""
    obj = model()
    set_committed_value(obj, machine.field, state)
    return obj


def _forbidden(machine, enum):
    for event in sorted(machine.events | {"no_such_event"}):
        for source in enum:
            for target in enum:
                if target not in machine.transitions.get((event, source), frozenset()):
                    yield event, source, target


def _new_audit_entries():
    return [obj for obj in db.session.new if isinstance(obj, AuditEntry)]


def test_there_is_one_transition_error_and_it_is_core_s():
    assert states.TransitionError is consultation.states.TransitionError is core.states.TransitionError


@pytest.mark.parametrize("name", ["invoice", "task", "order", "ticket"])
def test_every_forbidden_transition_is_refused_and_changes_nothing(app, name):
    machine, model, enum = MACHINES[name]
    forbidden = list(_forbidden(machine, enum))
    allowed = sum(len(targets) for targets in machine.transitions.values())
    assert len(forbidden) == (len(machine.events) + 1) * len(enum) ** 2 - allowed > 0
    with app.test_request_context(headers={"Accept-Language": "en"}):
        for event, source, target in forbidden:
            obj = _in_state(model, machine, source)
            with pytest.raises(core.states.TransitionError) as refused:
                machine.apply(obj, event, target)
            assert refused.value.status == 409 and refused.value.message, (event, source, target)
            assert getattr(obj, machine.field) is source, (event, source, target)
        assert _new_audit_entries() == []


@pytest.mark.parametrize("name", ["invoice", "task"])
def test_every_allowed_transition_moves_and_writes_one_audit_entry(app, name):
    machine, model, _ = MACHINES[name]
    with app.test_request_context():
        for (event, source), targets in machine.transitions.items():
            for target in targets:
                obj = _in_state(model, machine, source)
                if model is FulfilmentTask:
                    obj.order = Order(number="ORD/2026/000001")
                assert machine.apply(obj, event, target) is source
                assert getattr(obj, machine.field) is target
                [entry] = _new_audit_entries()
                assert entry.action == f"{machine.name}.{event}"
                assert (entry.details["from_state"], entry.details["to_state"]) == (source.value, target.value)
                db.session.expunge(entry)


def test_invoice_and_task_states_cannot_be_assigned_directly(app):
    with app.app_context():
        invoice = _in_state(Invoice, states.INVOICES, InvoiceStatus.OPEN)
        with pytest.raises(RuntimeError, match="state machine"):
            invoice.status = InvoiceStatus.PAID
        assert invoice.status is InvoiceStatus.OPEN
        with pytest.raises(RuntimeError, match="state machine"):
            Invoice(status=InvoiceStatus.PAID)
        with pytest.raises(RuntimeError, match="state machine"):
            _in_state(FulfilmentTask, states.TASKS, TaskState.OPEN).state = TaskState.DONE
        with pytest.raises(RuntimeError, match="state machine"):
            FulfilmentTask(state=TaskState.DONE)


def _actions(app, model, object_id):
    with app.app_context():
        return db.session.scalars(sa.select(AuditEntry.action).where(
            AuditEntry.object_type == model.__name__, AuditEntry.object_id == str(object_id))
            .order_by(AuditEntry.id)).all()


def test_a_paid_and_prepared_order_audits_each_invoice_and_task_move_once(app, shop, users, client, login):
    email = shop.consumer()
    [order_id] = shop.order(email, (MICRODATA, 1, {"variables": ["r101"]}), abstract=upload())
    operator = users.make("operator")
    _staff(app, operator, order_id, workflow.approve)
    invoice = shop.invoice(order_id)
    post_callback(client, callback_body(invoice.billing_code, invoice.amount))
    login(email)
    client.post(f"/orders/{order_id}/agreement", data={})
    with app.app_context(), as_user(operator) as staff:
        task = db.session.scalar(sa.select(FulfilmentTask).where(FulfilmentTask.order_id == order_id))
        task_id = task.id
        workflow.finish_task(task, staff, [upload("ekstrak.csv", b"r101\n1\n")])
    assert shop.get(order_id).state is OrderState.DELIVERED
    assert _actions(app, Invoice, invoice.id) == ["invoice.issue", "invoice.pay"]
    task_actions = _actions(app, FulfilmentTask, task_id)
    assert task_actions[0] == "fulfilment.open" and task_actions[-1] == "fulfilment.done"
    assert task_actions.count("fulfilment.done") == 1
    with app.app_context():
        assert db.session.get(FulfilmentTask, task_id).state is TaskState.DONE


def test_an_expired_invoice_is_audited_once_and_refuses_payment_later(app, shop, client):
    email = shop.consumer()
    [order_id] = shop.order(email, (MAP, 1, {"region": "5203"}))
    invoice = shop.invoice(order_id)
    with clock.frozen(clock.now() + timedelta(days=30)), app.app_context():
        assert expire_due_invoices() == 1
        assert expire_due_invoices() == 0
    assert shop.invoice(order_id).status is InvoiceStatus.EXPIRED
    assert _actions(app, Invoice, invoice.id) == ["invoice.issue", "invoice.expire"]
    assert post_callback(client, callback_body(invoice.billing_code, invoice.amount)).status_code == 410
    assert shop.invoice(order_id).status is InvoiceStatus.EXPIRED


def test_a_refund_moves_the_paid_invoice_once_and_a_second_refund_is_refused(app, ledger, users):
    from orders.finance import refunds

    invoice = ledger.invoice(ledger.map_order)
    asker, decider = users.make("finance"), users.make("finance")
    with app.test_request_context(), as_user(asker) as first:
        refund = refunds.request_refund(first, invoice.id, "Konsumen membayar dua kali untuk data yang sama")
        refund_id = refund.id
    with app.test_request_context(), as_user(decider) as second:
        refunds.decide_refund(second, refund_id, approve=True)
    assert ledger.invoice(ledger.map_order).status is InvoiceStatus.REFUNDED
    assert _actions(app, Invoice, invoice.id).count("invoice.refund") == 1
    with app.test_request_context():
        refunded = db.session.get(Invoice, invoice.id)
        with pytest.raises(core.states.TransitionError):
            states.INVOICES.apply(refunded, "refund", InvoiceStatus.REFUNDED)
        assert refunded.status is InvoiceStatus.REFUNDED
