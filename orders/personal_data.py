"""The orders' part of a person's data export, and what closing an account erases here.

Orders, invoices and payments are kept when an account closes (tax and archive law); the cart, which is
only a wish, and the link to the person's Stripe customer are erased.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db
from orders.models import CartLine, DeliveredFile, Order, StripeCustomer


def personal_data(user):
    from accounts.privacy import PersonalData

    orders = db.session.scalars(sa.select(Order).where(Order.user_id == user.id).order_by(Order.id)).all()
    records, files = [], []
    for order in orders:
        invoice = order.invoice
        records.append({
            "number": order.number, "kind": order.kind.value, "state": order.state.value, "total": order.total,
            "created_at": order.created_at, "purpose": order.purpose, "institution": order.institution,
            "agreement_accepted_at": order.agreement_accepted_at, "delivered_at": order.delivered_at,
            "lines": [{"title": line.title, "kind": line.item_kind, "quantity": line.quantity,
                       "unit_price": line.unit_price, "amount": line.amount, "options": line.options}
                      for line in order.lines],
            "invoice": None if invoice is None else {
                "number": invoice.number, "amount": invoice.amount, "status": invoice.status.value,
                "billing_code": invoice.billing_code, "expires_at": invoice.expires_at,
                "paid_at": invoice.payment.paid_at if invoice.payment else None},
        })
        folder = order.number or f"order-{order.id}"
        for key, name in ((order.letter_key, "letter"), (order.abstract_key, "abstract"),
                          (order.agreement_signed_key, "agreement")):
            if key:
                files.append((f"{folder}/{name}", key))
        for delivered in db.session.scalars(sa.select(DeliveredFile).where(DeliveredFile.order_id == order.id)):
            files.append((f"{folder}/delivered/{delivered.filename}", delivered.storage_key))
    cart = [{"item_id": line.item_id, "quantity": line.quantity, "options": line.options}
            for line in db.session.scalars(sa.select(CartLine).where(CartLine.user_id == user.id))]
    return PersonalData("orders", {"orders": records, "cart": cart}, files)


def erase(user) -> None:
    db.session.execute(sa.delete(CartLine).where(CartLine.user_id == user.id))
    db.session.execute(sa.delete(StripeCustomer).where(StripeCustomer.user_id == user.id))
