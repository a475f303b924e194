"""Machine endpoints: the bank's payment callback and Stripe's webhook.

Both are exempt from CSRF (they are authenticated by their signatures), rate
limited, and answer as soon as the effect is committed: record, commit, respond.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from core.extensions import csrf, limiter
from orders.payments import local, stripe_provider

api = Blueprint("orders_api", __name__, url_prefix="/api/v1/payments")
csrf.exempt(api)



def callback_limit() -> str:
    return current_app.config["STATDESK_PAYMENT_CALLBACK_RATE"]


@api.post("/local/callback")
@limiter.limit(callback_limit)
def bank_callback():
    answer = local.handle_bank_callback(request.get_data(cache=False),
                                        request.headers.get(local.TIMESTAMP_HEADER),
                                        request.headers.get(local.SIGNATURE_HEADER))
    return jsonify(answer.body), answer.status


@api.post("/stripe/webhook")
@limiter.limit(callback_limit)
def stripe_webhook():
    answer = stripe_provider.handle_webhook(request.get_data(cache=False), request.headers.get("Stripe-Signature"))
    return jsonify(answer.body), answer.status
