"""Stripe: a Customer and an Invoice paid on Stripe's hosted invoice page (card or bank transfer).

Every create call carries an idempotency key derived from our own identifiers, so
publishing an invoice again after a failure never makes a second Stripe object.
Webhooks are verified with ``stripe.Webhook.construct_event`` and refused when their
timestamp is more than Stripe's 300-second tolerance away from our clock, in the past
(a replay) or in the future (a forged clock), as the bank callback is.  As Stripe asks,
a verified event is answered with a 2xx at once: it is kept raw in the payment inbox
under its event id (a unique constraint: a second delivery is a duplicate) and a worker
applies it (``orders.payments.inbox``; a refusal then is recorded on the event and
audited, not answered).  State is derived from the invoice object the event carries,
never from the order in which events arrive.  Stripe counts rupiah in hundredths (IDR is a two-decimal currency
there), so amounts are converted at this edge.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import sqlalchemy as sa
import stripe
from flask import current_app
from flask_babel import gettext as _

from core import audit, clock
from core.errors import Invalid, NotFound
from core.extensions import db
from orders.invoicing import close_invoice, lock_invoice
from orders.models import Invoice, InvoiceStatus, ProviderEvent, StripeCustomer
from orders.payments import inbox
from orders.payments.recording import PaymentProblem, reason_of, record_payment, reject

SEN_PER_RUPIAH = 100
TOLERANCE_SECONDS = stripe.Webhook.DEFAULT_TOLERANCE
HANDLED_EVENTS = frozenset({"invoice.paid", "invoice.payment_succeeded", "invoice.payment_failed",
                            "invoice.voided", "invoice.marked_uncollectible", "invoice.updated",
                            "invoice.finalized"})


class StripeProvider:
    name = "stripe"

    def __init__(self, api_key: str, api_base: str = ""):
        options = {"base_addresses": {"api": api_base}} if api_base else {}
        self.client = stripe.StripeClient(api_key, max_network_retries=2, **options)

    @classmethod
    def from_config(cls, config) -> StripeProvider:
        return cls(config["STATDESK_STRIPE_API_KEY"], config["STATDESK_STRIPE_API_BASE"])

    def prepare(self, invoice: Invoice) -> None:
        """Stripe objects are made after the commit (``publish``): no network call holds the counter lock."""

    def publish(self, invoice: Invoice) -> None:
        if invoice.provider_ref:
            return
        customer_id = self._customer_for(invoice.order.user)
        number = invoice.number
        hours = current_app.config["STATDESK_INVOICE_EXPIRY_HOURS"]
        remote = self.client.v1.invoices.create(params={
            "customer": customer_id, "collection_method": "send_invoice", "currency": "idr",
            "days_until_due": max(1, math.ceil(hours / 24)), "auto_advance": False,
            "description": invoice.order.number,
            "metadata": {"statdesk_invoice": number, "statdesk_order": invoice.order.number},
            "payment_settings": {"payment_method_types": ["card", "customer_balance"]},
        }, options={"idempotency_key": f"statdesk-invoice-{number}"})
        self.client.v1.invoice_items.create(params={
            "customer": customer_id, "invoice": remote.id, "currency": "idr",
            "amount": invoice.amount * SEN_PER_RUPIAH, "description": invoice.order.number,
        }, options={"idempotency_key": f"statdesk-invoice-item-{number}"})
        final = self.client.v1.invoices.finalize_invoice(
            remote.id, options={"idempotency_key": f"statdesk-invoice-finalize-{number}"})
        invoice.provider_ref = remote.id
        invoice.hosted_url = final.hosted_invoice_url or ""
        audit.record("invoice.publish", invoice, None, provider="stripe", stripe_invoice=remote.id)
        db.session.commit()

    def withdraw(self, invoice: Invoice) -> None:
        """Void the Stripe invoice of an expired or cancelled one, so the hosted page stops taking money."""
        if not invoice.provider_ref:
            return
        self.client.v1.invoices.void_invoice(
            invoice.provider_ref, options={"idempotency_key": f"statdesk-invoice-void-{invoice.number}"})
        audit.record("invoice.withdraw", invoice, None, provider="stripe", stripe_invoice=invoice.provider_ref)
        db.session.commit()

    def _customer_for(self, user) -> str:
        known = db.session.get(StripeCustomer, user.id)
        if known is not None:
            return known.customer_id
        customer = self.client.v1.customers.create(params={
            "email": user.email or "", "name": user.full_name, "metadata": {"statdesk_user": str(user.id)},
        }, options={"idempotency_key": f"statdesk-customer-{user.id}"})
        db.session.add(StripeCustomer(user_id=user.id, customer_id=customer.id))
        db.session.commit()  # kept even if the invoice calls fail: idempotency keys expire after 24 h
        return customer.id


@dataclass(frozen=True)
class WebhookAnswer:
    status: int
    body: dict


def _refused(problem: PaymentProblem) -> dict:
    return {"status": "refused", "reason": reason_of(problem), "message": str(problem.message)}


def handle_webhook(payload: bytes, signature_header: str | None) -> WebhookAnswer:
    """Verify, keep the event for a worker (one commit) and answer."""
    secret = current_app.config["STATDESK_STRIPE_WEBHOOK_SECRET"]
    try:
        # Stripe's own check looks only into the past and at the system time: ours looks both ways.
        event = stripe.Webhook.construct_event(payload, signature_header, secret, tolerance=None)
    except (ValueError, stripe.SignatureVerificationError):
        problem = Invalid(_("The webhook signature is not valid."), reason="bad_signature")
        reject(problem, None, provider="stripe")
        return WebhookAnswer(400, _refused(problem))
    if abs(clock.now().timestamp() - _signed_at(signature_header)) > TOLERANCE_SECONDS:
        problem = Invalid(_("The webhook signature is too old or from the future."), reason="stale_signature")
        reject(problem, None, provider="stripe")
        return WebhookAnswer(400, _refused(problem))
    if event.type not in HANDLED_EVENTS:
        return WebhookAnswer(200, {"status": "ignored"})
    remote = event.data.object.to_dict()
    paying = remote.get("status") == "paid"
    invoice_id = db.session.scalar(_invoice_query(remote).with_only_columns(Invoice.id)) if paying else None
    _stored, created = inbox.receive("stripe", event.id, event.type, payload.decode("utf-8"), invoice_id)
    return WebhookAnswer(200, {"status": "received" if created else "duplicate"})


def apply_event(event: ProviderEvent) -> str:
    """The effect of a stored event (``inbox.process_event``); uncommitted."""
    remote = json.loads(event.body)["data"]["object"]
    return _apply(event.event_type, remote)


def _signed_at(signature_header: str) -> int:
    """The ``t=`` timestamp of a ``Stripe-Signature`` header that ``construct_event`` has accepted."""
    pairs = (item.split("=", 1) for item in signature_header.split(","))
    return int(next(value for key, value in pairs if key.strip() == "t"))


def _invoice_query(remote) -> sa.Select:
    number = (remote.get("metadata") or {}).get("statdesk_invoice", "")
    return sa.select(Invoice).where(Invoice.provider == "stripe",
                                    sa.or_(Invoice.provider_ref == str(remote.get("id") or ""),
                                           Invoice.number == str(number)))


def _apply(event_type: str, remote) -> str:
    """Derive our invoice's state from Stripe's invoice object; later states never go back."""
    status = remote.get("status")
    if status == "paid":
        amount_paid = int(remote.get("amount_paid") or 0)
        amount = amount_paid // SEN_PER_RUPIAH if amount_paid % SEN_PER_RUPIAH == 0 else -1
        result = record_payment(invoice_query=_invoice_query(remote), provider="stripe",
                                reference=str(remote.get("id") or ""),
                                amount=amount, source="stripe_webhook", commit=False)
        return "recorded" if result.created else "duplicate"
    invoice = lock_invoice(_invoice_query(remote))
    if invoice is None:
        raise NotFound(_("No invoice matches this payment."), reason="unknown_reference")
    if invoice.status is not InvoiceStatus.OPEN:
        return "unchanged"
    if status in {"void", "uncollectible"}:
        close_invoice(invoice, InvoiceStatus.CANCELLED, reason=f"stripe {status}")
        return "cancelled"
    received = int(remote.get("amount_paid") or 0) // SEN_PER_RUPIAH
    if received > invoice.amount_received:
        invoice.amount_received = received
        audit.record("invoice.partially_funded", invoice, None, received=received, amount=invoice.amount,
                     remaining=int(remote.get("amount_remaining") or 0) // SEN_PER_RUPIAH)
        return "partially_funded"
    if event_type == "invoice.payment_failed":
        audit.record("invoice.payment_failed", invoice, None, stripe_invoice=remote.get("id"))
        return "payment_failed"
    return "unchanged"
