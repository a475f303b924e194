"""The order state machine: one table of allowed transitions, applied by ``core.states``.

Every change of ``Order.state`` goes through ``apply``, which refuses a transition
the table does not hold and writes exactly one audit entry for it.
"""

from __future__ import annotations

from flask_babel import gettext as _

from core.states import StateMachine, TransitionError
from orders import signals
from orders.models import Order, OrderState

__all__ = ["ORDERS", "TransitionError", "apply", "can", "start"]

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

def _announce(order: Order, event: str, previous: OrderState | None, target: OrderState) -> None:
    signals.announce(order_id=order.id, number=order.number, event=event,
                     from_state=previous.value if previous is not None else None, to_state=target.value)


ORDERS: StateMachine[OrderState] = StateMachine(
    "order", "state", TRANSITIONS, initial=INITIAL_STATES, after=_announce,
    refusal=lambda order, event, target: _("This order can no longer be changed that way (it is %(state)s).",
                                           state=order.state.label))

def can(order: Order, event: str) -> bool:
    return ORDERS.can(order, event)


def apply(order: Order, event: str, target: OrderState, actor=None, **details) -> None:
    """Move ``order`` to ``target`` by ``event`` if the table allows it; audit and announce the move."""
    ORDERS.apply(order, event, target, actor, **details)


def start(order: Order, target: OrderState, actor=None) -> None:
    """Set the first state of a new (flushed) order and audit its creation."""
    ORDERS.start(order, target, actor, kind=order.kind.value, total=order.total)
