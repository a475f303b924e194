"""The state machines of orders, invoices and fulfilment tasks: one table each, applied by ``core.states``.

Every change of ``Order.state``, ``Invoice.status`` and ``FulfilmentTask.state``
goes through ``apply`` of its machine (``ORDERS``, ``INVOICES``, ``TASKS``), which
refuses a transition the table does not hold (``TransitionError``, nothing
changed) and writes exactly one audit entry for it.  Invoices and tasks are
guarded: assigning their state anywhere else raises.
"""

from __future__ import annotations

from flask_babel import gettext as _

from core import unit_of_work
from core.states import StateMachine, TransitionError
from orders import signals
from orders.models import FulfilmentTask, Invoice, InvoiceStatus, Order, OrderState, TaskState

__all__ = ["INVOICES", "ORDERS", "TASKS", "TransitionError", "apply", "can", "start"]

S = OrderState

# (event, from-state) -> the states that event may lead to.
TRANSITIONS: dict[tuple[str, OrderState], frozenset[OrderState]] = {
    ("approve", S.PENDING_REVIEW): frozenset({S.AWAITING_PAYMENT, S.AWAITING_AGREEMENT, S.IN_FULFILMENT,
                                              S.DELIVERED}),
    ("reject", S.PENDING_REVIEW): frozenset({S.REJECTED}),
    ("ask_revision", S.PENDING_REVIEW): frozenset({S.AWAITING_REVISION}),
    ("resubmit", S.AWAITING_REVISION): frozenset({S.PENDING_REVIEW}),
    ("cancel", S.AWAITING_REVISION): frozenset({S.CANCELLED}),
    ("cancel", S.PENDING_REVIEW): frozenset({S.CANCELLED}),
    ("cancel", S.AWAITING_PAYMENT): frozenset({S.CANCELLED}),
    ("pay", S.AWAITING_PAYMENT): frozenset({S.AWAITING_AGREEMENT, S.IN_FULFILMENT, S.DELIVERED}),
    ("expire", S.AWAITING_PAYMENT): frozenset({S.EXPIRED}),
    ("sign_agreement", S.AWAITING_AGREEMENT): frozenset({S.IN_FULFILMENT, S.DELIVERED}),
    ("deliver", S.IN_FULFILMENT): frozenset({S.DELIVERED}),
    # Finance refunds a paid order (two people agree): it ends cancelled whatever was delivered.
    ("refund", S.AWAITING_AGREEMENT): frozenset({S.CANCELLED}),
    ("refund", S.IN_FULFILMENT): frozenset({S.CANCELLED}),
    ("refund", S.DELIVERED): frozenset({S.CANCELLED}),
}

# Where a new order starts, by what it still needs.
INITIAL_STATES = frozenset({S.PENDING_REVIEW, S.AWAITING_PAYMENT, S.AWAITING_AGREEMENT, S.IN_FULFILMENT,
                            S.DELIVERED})

IS = InvoiceStatus

# An invoice is paid, expires or is cancelled while open; only a paid one is refunded.
INVOICE_TRANSITIONS: dict[tuple[str, InvoiceStatus], frozenset[InvoiceStatus]] = {
    ("pay", IS.OPEN): frozenset({IS.PAID}),
    ("expire", IS.OPEN): frozenset({IS.EXPIRED}),
    ("cancel", IS.OPEN): frozenset({IS.CANCELLED}),
    ("refund", IS.PAID): frozenset({IS.REFUNDED}),
}

# A task ends when its operator delivers ("done") or when finance refunds the order.
TASK_TRANSITIONS: dict[tuple[str, TaskState], frozenset[TaskState]] = {
    ("done", TaskState.OPEN): frozenset({TaskState.DONE}),
    ("refund", TaskState.OPEN): frozenset({TaskState.DONE}),
}


def _announce(order: Order, event: str, previous: OrderState | None, target: OrderState) -> None:
    unit_of_work.send_after_commit(signals.order_state_changed, order_id=order.id, number=order.number, event=event,
                                   from_state=previous.value if previous is not None else None,
                                   to_state=target.value)


def _task_description(task: FulfilmentTask, previous: TaskState | None, target: TaskState) -> dict:
    details = {"order": task.order.number}
    if previous is not None:
        details["from_state"] = previous.value
    details["to_state"] = target.value
    return details


ORDERS: StateMachine[OrderState] = StateMachine(
    "order", "state", TRANSITIONS, initial=INITIAL_STATES, after=_announce,
    refusal=lambda order, event, target: _("This order can no longer be changed that way (it is %(state)s).",
                                           state=order.state.label))

INVOICES: StateMachine[InvoiceStatus] = StateMachine(
    "invoice", "status", INVOICE_TRANSITIONS, initial={IS.OPEN},
    refusal=lambda invoice, event, target: _("This invoice can no longer be changed that way (it is %(state)s).",
                                             state=invoice.status.label))
INVOICES.guard(Invoice.status)

TASKS: StateMachine[TaskState] = StateMachine(
    "fulfilment", "state", TASK_TRANSITIONS, initial={TaskState.OPEN}, describe=_task_description,
    refusal=lambda task, event, target: (_("This task is already done.") if task.state is TaskState.DONE
                                         else _("This task cannot be changed that way.")))
TASKS.guard(FulfilmentTask.state)


def can(order: Order, event: str) -> bool:
    return ORDERS.can(order, event)


def apply(order: Order, event: str, target: OrderState, actor=None, **details) -> None:
    """Move ``order`` to ``target`` by ``event`` if the table allows it; audit and announce the move."""
    ORDERS.apply(order, event, target, actor, **details)


def start(order: Order, target: OrderState, actor=None) -> None:
    """Set the first state of a new (flushed) order and audit its creation."""
    ORDERS.start(order, target, actor, kind=order.kind.value, total=order.total)
