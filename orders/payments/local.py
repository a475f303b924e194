"""The embedded provider: billing codes / virtual accounts confirmed by signed bank callbacks.

An invoice gets a 15-digit billing code bound to its exact amount and expiry.  The
bank (SIMPONI, or a commercial bank's virtual-account service) confirms a payment by
POSTing JSON to ``/api/v1/payments/local/callback`` with two headers:

- ``X-Statdesk-Timestamp``: Unix seconds when the bank signed the request;
- ``X-Statdesk-Signature``: hex HMAC-SHA256 over ``"{timestamp}.{body}"`` with the shared secret.

Requests outside the replay window are refused even when correctly signed.  A signed
callback is checked against its invoice under the invoice's row lock (unknown billing code,
wrong amount, expired, paid already: refused at once, so the bank hears of it), kept raw in the
payment inbox under its ``bank_reference`` and answered ``200 {"status": "received"}``;
a worker records the payment (``orders.payments.inbox``).  A repeated callback with the
same ``bank_reference`` is answered as a duplicate, changing nothing.  The NTPN (nomor
transaksi penerimaan negara, the state's proof of payment) is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from core import clock
from core.errors import Conflict, Invalid, NotFound, Unauthenticated
from core.fields import BIGINT
from core.input_guard import has_forbidden
from orders.invoicing import is_well_formed_billing_code, new_billing_code
from orders.models import Invoice, ProviderEvent
from orders.payments import inbox
from orders.payments.recording import PaymentProblem, check_payment, reason_of, record_payment, reject

TIMESTAMP_HEADER = "X-Statdesk-Timestamp"
SIGNATURE_HEADER = "X-Statdesk-Signature"


class LocalProvider:
    name = "local"

    def prepare(self, invoice: Invoice) -> None:
        invoice.billing_code = new_billing_code()

    def publish(self, invoice: Invoice) -> None:
        """Nothing leaves Statdesk: the bank learns the billing code from the consumer."""

    def withdraw(self, invoice: Invoice) -> None:
        """A closed invoice's billing code is refused by the callback checks; nothing to send."""


def sign(body: bytes, timestamp: int, secret: str) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    timestamp = int(clock.now().timestamp()) if timestamp is None else timestamp
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(body, timestamp, secret)}


@dataclass(frozen=True)
class CallbackAnswer:
    status: int
    body: dict


def _verify(body: bytes, timestamp: str | None, signature: str | None) -> None:
    config = current_app.config
    # isdigit() alone admits digits such as "²" that int() refuses; a header is ASCII when it is ours.
    if not timestamp or not signature or not (timestamp.isascii() and timestamp.isdigit()):
        raise Unauthenticated(_("The callback is not signed."), reason="bad_signature")
    expected = sign(body, int(timestamp), config["STATDESK_BANK_CALLBACK_SECRET"])
    # compare_digest refuses non-ASCII str, so both sides are compared as bytes.
    if not hmac.compare_digest(expected.encode(), signature.strip().lower().encode("utf-8", "replace")):
        raise Unauthenticated(_("The callback signature is not valid."), reason="bad_signature")
    if abs(clock.now().timestamp() - int(timestamp)) > config["STATDESK_BANK_CALLBACK_WINDOW_SECONDS"]:
        raise Unauthenticated(_("The callback signature is too old."), reason="stale_signature")


@dataclass(frozen=True)
class BankReport:
    billing_code: str
    amount: int
    bank_reference: str
    ntpn: str
    paid_at: datetime | None


def _parse(body: bytes) -> BankReport:
    try:
        data = json.loads(body.decode("utf-8"))  # kept as text in the inbox
        report = BankReport(billing_code=str(data["billing_code"]), amount=data["amount"],
                            bank_reference=str(data["bank_reference"]).strip(), ntpn=str(data.get("ntpn", "")),
                            paid_at=datetime.fromisoformat(data["paid_at"]) if data.get("paid_at") else None)
    except (ValueError, KeyError, TypeError) as exc:
        raise Invalid(_("The callback body is not valid."), reason="malformed") from exc
    if report.paid_at is not None and report.paid_at.tzinfo is None:
        raise Invalid(_("The callback body is not valid."), reason="malformed")
    if isinstance(report.amount, bool) or not isinstance(report.amount, int) or not report.bank_reference:
        raise Invalid(_("The callback body is not valid."), reason="malformed")
    # The body may come without a JSON content type, so the request-level text check may not have seen it.
    texts = (report.billing_code, report.bank_reference, report.ntpn)
    if (not 0 < report.amount <= BIGINT[1] or len(report.bank_reference) > 255 or len(report.ntpn) > 32
            or any(has_forbidden(text) for text in texts)):
        raise Invalid(_("The callback body is not valid."), reason="malformed")
    return report


def _invoice_query(report: BankReport) -> sa.Select:
    return sa.select(Invoice).where(Invoice.billing_code == report.billing_code)


def handle_bank_callback(body: bytes, timestamp: str | None, signature: str | None,
                         source: str = "bank_callback") -> CallbackAnswer:
    """Verify, check, keep the raw callback for a worker (one commit) and answer.

    A refusal changes nothing but the audit log.
    """
    report = None
    try:
        _verify(body, timestamp, signature)
        report = _parse(body)
        if not is_well_formed_billing_code(report.billing_code):
            raise NotFound(_("No invoice matches this payment."), reason="unknown_reference")
        invoice, recorded = check_payment(invoice_query=_invoice_query(report), provider="local",
                                          reference=report.bank_reference, amount=report.amount,
                                          paid_at=report.paid_at)
        number = invoice.number if invoice else ""
        status = "duplicate" if recorded is not None else _keep(report, invoice, body, source)
    except PaymentProblem as problem:
        reject(problem, ("Invoice", report.billing_code) if report else None, provider="local",
               bank_reference=report.bank_reference if report else "",
               amount=report.amount if report else None)
        return CallbackAnswer(problem.status, {"status": "refused", "reason": reason_of(problem),
                                               "message": str(problem.message)})
    return CallbackAnswer(200, {"status": status, "invoice": number})


def _keep(report: BankReport, invoice: Invoice, body: bytes, source: str) -> str:
    """Store the callback for the worker, holding the invoice's lock; ``received`` or ``duplicate``.

    Under the lock, a payment of this invoice already waiting under another bank
    reference makes this one a second payment, refused as the worker would refuse it.
    """
    waiting = inbox.waiting_for(invoice.id)
    if any(event.provider != "local" or event.event_id != report.bank_reference for event in waiting):
        raise Conflict(_("This invoice has already been paid."), reason="already_paid")
    event, created = inbox.receive("local", report.bank_reference, source, body.decode("utf-8"), invoice.id)
    _same_report(event, report)
    return "received" if created else "duplicate"


def _same_report(event: ProviderEvent, report: BankReport) -> None:
    """A bank reference stored before must have reported the same payment (else it is a conflict)."""
    before = _parse(event.body.encode("utf-8")) if event is not None else None
    if before is None or (before.billing_code, before.amount) != (report.billing_code, report.amount):
        raise Conflict(_("This payment conflicts with another one."), reason="reference_conflict")


def apply_event(event: ProviderEvent) -> str:
    """The effect of a stored callback (``inbox.process_event``): the payment recorded; uncommitted."""
    report = _parse(event.body.encode("utf-8"))
    result = record_payment(invoice_query=_invoice_query(report), provider="local", reference=report.bank_reference,
                            amount=report.amount, paid_at=report.paid_at, ntpn=report.ntpn,
                            source=event.event_type[:32], commit=False)
    return "recorded" if result.created else "duplicate"


def simulate_bank_payment(billing_code: str, amount: int, bank_reference: str | None = None,
                          source: str = "bank_simulator") -> CallbackAnswer:
    """What the demo bank does: sign a callback with the shared secret and deliver it."""
    body = json.dumps({
        "billing_code": billing_code, "amount": amount,
        "bank_reference": bank_reference or f"SIM-{billing_code}",
        "ntpn": _demo_ntpn(billing_code), "paid_at": clock.now().isoformat(),
    }).encode()
    headers = signed_headers(body, current_app.config["STATDESK_BANK_CALLBACK_SECRET"])
    return handle_bank_callback(body, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], source=source)


def _demo_ntpn(billing_code: str) -> str:
    """A 16-character NTPN-shaped proof for the simulator (real ones come from the state treasury)."""
    return hashlib.sha256(f"{billing_code}{time.time_ns()}".encode()).hexdigest()[:16].upper()
