"""The messages orders write to the outbox (sent after the transaction commits)."""

from __future__ import annotations

from core.outbox import queue_email
from orders.models import Order


def _send(order: Order, template: str, **context) -> None:
    user = order.user
    if not user or not user.email:
        return
    link = f"/orders/{order.id}"  # a plain path: sweeps and the CLI have no request to build URLs from
    queue_email(user.email, f"orders/email/{template}", user.locale, kind=f"order_{template}",
                user=user, order=order, link=link, **context)


def order_paid(order: Order) -> None:
    _send(order, "paid")


def order_delivered(order: Order) -> None:
    _send(order, "delivered")


def revision_requested(order: Order) -> None:
    _send(order, "revision")


def order_rejected(order: Order) -> None:
    _send(order, "rejected")


def invoice_issued(order: Order) -> None:
    _send(order, "invoice")
