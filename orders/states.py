"""The order state machine: one table of allowed transitions and one function that applies them.

Every change of ``Order.state`` goes through ``apply``, which refuses a transition
the table does not hold and writes exactly one audit entry for it.
"""

from __future__ import annotations

from flask_babel import gettext as _

from core import audit, unit_of_work
from core.errors import UserFacingError
from orders import signals
from orders.models import Order, OrderState

S = OrderState

# (event, from-state) -> the states that event may lead to.
TRANSITIONS: dict[tuple[str, OrderState], frozenset[OrderState]] = {
    ("approve", S.PENDING_REVIEW): frozenset({S.AWAITING_PAYMENT, S.AWAITING_AGREEMENT, S.IN_FULFILMENT,
                                              S.DELIVERED}),
    ("reject", S.PENDING_REVIEW): frozenset({S.REJECTED}),
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


class TransitionError(UserFacingError):
    def __init__(self, message: str):
        super().__init__(message, 409)


def can(order: Order, event: str) -> bool:
    return (event, order.state) in TRANSITIONS


def apply(order: Order, event: str, target: OrderState, actor=None, **details) -> None:
    """Move ``order`` to ``target`` by ``event`` if the table allows it; audit the move."""
    allowed = TRANSITIONS.get((event, order.state), frozenset())
    if target not in allowed:
        raise TransitionError(_("This order can no longer be changed that way (it is %(state)s).",
                                state=order.state.label))
    previous = order.state
    order.state = target
    audit.record(f"order.{event}", order, actor, number=order.number, from_state=previous.value,
                 to_state=target.value, **details)
    unit_of_work.send_after_commit(signals.order_state_changed, order_id=order.id, number=order.number,
                                   event=event, from_state=previous.value, to_state=target.value)


def start(order: Order, target: OrderState, actor=None) -> None:
    """Set the first state of a new (flushed) order and audit its creation."""
    if target not in INITIAL_STATES:
        raise ValueError(f"an order cannot start in {target}")
    order.state = target
    audit.record("order.create", order, actor, number=order.number, to_state=target.value,
                 kind=order.kind.value, total=order.total)
    unit_of_work.send_after_commit(signals.order_state_changed, order_id=order.id, number=order.number,
                                   event="create", from_state=None, to_state=target.value)
