"""Machine endpoints: the bank's payment callback and Stripe's webhook.

Both are exempt from CSRF (they are authenticated by their signatures), rate
limited, and answer as soon as the verified callback is kept in the payment inbox:
verify, store, commit, respond; a worker applies it (``orders.payments.inbox``).
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from core import metrics
from core.errors import problem_response
from core.extensions import csrf, limiter
from orders.payments import local, stripe_provider

api = Blueprint("orders_api", __name__, url_prefix="/api/v1/payments")
csrf.exempt(api)

CALLBACKS = metrics.counter("statdesk_payment_callbacks_total",
                            "Payment callbacks and webhooks received, by provider and outcome "
                            "(recorded, duplicate, or the refusal's reason).", ("provider", "outcome"))



def _answer(answer, provider: str):
    """A success as the provider's JSON; a refusal as the problem document, keeping its ``reason``."""
    CALLBACKS.labels(provider, str(answer.body.get("reason") or answer.body.get("status") or answer.status)).inc()
    if answer.status >= 400:
        return problem_response(answer.status, answer.body.get("message"), reason=answer.body["reason"])
    return jsonify(answer.body), answer.status


def callback_limit() -> str:
    return current_app.config["STATDESK_PAYMENT_CALLBACK_RATE"]


@api.post("/local/callback")
@limiter.limit(callback_limit)
def bank_callback():
    answer = local.handle_bank_callback(request.get_data(cache=False),
                                        request.headers.get(local.TIMESTAMP_HEADER),
                                        request.headers.get(local.SIGNATURE_HEADER))
    return _answer(answer, "local")


@api.post("/stripe/webhook")
@limiter.limit(callback_limit)
def stripe_webhook():
    answer = stripe_provider.handle_webhook(request.get_data(cache=False), request.headers.get("Stripe-Signature"))
    return _answer(answer, "stripe")
