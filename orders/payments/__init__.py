"""Payment providers behind one small interface, chosen by ``STATDESK_PAYMENT_PROVIDER``.

A provider ``prepare``s an invoice inside the issuing transaction (the local
provider binds a billing code to it) and ``publish``es it after the commit, as an
effect queued with ``core.unit_of_work`` (Stripe creates its Customer and Invoice,
with idempotency keys, so a retry is safe).
Payments from every provider end in ``orders.payments.recording.record_payment``.
"""

from __future__ import annotations

from typing import Protocol

from flask import current_app

from core.extensions import db
from orders.models import Invoice


class PaymentProvider(Protocol):
    name: str

    def prepare(self, invoice: Invoice) -> None:
        """Bind payment details to a new invoice, inside the issuing transaction."""

    def publish(self, invoice: Invoice) -> None:
        """Make the invoice payable outside Statdesk, after the issuing transaction committed."""

    def withdraw(self, invoice: Invoice) -> None:
        """After an expiry or cancellation committed: make sure the invoice can no longer be paid."""


def provider_named(name: str) -> PaymentProvider:
    if name == "local":
        from orders.payments.local import LocalProvider

        return LocalProvider()
    if name == "stripe":
        from orders.payments.stripe_provider import StripeProvider

        return StripeProvider.from_config(current_app.config)
    raise ValueError(f"unknown payment provider {name!r}")


def withdraw_closed(invoice: Invoice) -> None:
    """Tell the invoice's provider it was closed; a failure is logged and audited, never raised."""
    from core import audit

    try:
        provider_named(invoice.provider).withdraw(invoice)
    except Exception:  # the closed invoice stays closed here; a late payment is refused and audited
        db.session.rollback()
        current_app.logger.exception("withdrawing invoice %s failed", invoice.number)
        audit.record("invoice.withdraw_failed", ("Invoice", invoice.id), None, provider=invoice.provider)
        db.session.commit()


def default_provider() -> PaymentProvider:
    return provider_named(current_app.config["STATDESK_PAYMENT_PROVIDER"])
