"""The Statdesk fields of each importable entity, in import order (a row may only refer to an entity before it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import Segment
from consultation.models import Channel, RequestKind
from orders.models import TransactionKind

SEGMENTS = tuple(s.value for s in Segment)
PAYMENT_METHODS = ("bank_transfer", "cash", "billing_code", "card", "other")
PRODUCT_KINDS = ("publication", "map", "microdata", "table")


@dataclass(frozen=True)
class Field:
    kind: str  # id | text | email | phone | date | amount | int | code | ref
    required: bool = False
    max_length: int = 0
    choices: tuple[str, ...] | None = None
    ref: str = ""  # the entity a ``ref`` names by its source id
    unique: bool = False  # a ref that at most one row may name (an order's one invoice, an invoice's one payment)


def _id() -> Field:
    return Field("id", required=True, max_length=80)


@dataclass(frozen=True)
class Entity:
    fields: dict[str, Field] = field(default_factory=dict)
    date: str = ""  # the field whose month the reconciliation counts the row in
    money: str = ""  # the field it adds up, if any


ENTITIES: dict[str, Entity] = {
    "consumers": Entity({
        "source_id": _id(), "email": Field("email"), "full_name": Field("text", True, 160),
        "phone": Field("phone"), "segment": Field("code", choices=SEGMENTS), "institution": Field("text", False, 200),
        "registered_at": Field("date", True)}, date="registered_at"),
    "items": Entity(),  # the catalog importer's columns (catalog/importer.py)
    "consultations": Entity({
        "source_id": _id(), "consumer_id": Field("ref", True, ref="consumers"), "number": Field("text", False, 20),
        "kind": Field("code", True, choices=tuple(k.value for k in RequestKind)),
        "channel": Field("code", choices=tuple(c.value for c in Channel)),
        "status": Field("code", choices=("resolved", "closed")),
        "subject": Field("text", True, 200), "question": Field("text", True, 20_000),
        "submitted_at": Field("date", True), "closed_at": Field("date")}, date="submitted_at"),
    "messages": Entity({
        "source_id": _id(), "consultation_id": Field("ref", True, ref="consultations"),
        "author": Field("code", choices=("consumer", "staff")), "body": Field("text", True, 20_000),
        "sent_at": Field("date", True)}, date="sent_at"),
    "orders": Entity({
        "source_id": _id(), "number": Field("text", True, 32), "consumer_id": Field("ref", True, ref="consumers"),
        "kind": Field("code", True, choices=tuple(k.value for k in TransactionKind)),
        "state": Field("code", True, choices=("delivered", "rejected", "cancelled", "expired")),
        "placed_at": Field("date", True), "total": Field("amount", True), "segment": Field("code", choices=SEGMENTS),
        "institution": Field("text", False, 200), "purpose": Field("text", False, 5_000)},
        date="placed_at", money="total"),
    "order_lines": Entity({
        "source_id": _id(), "order_id": Field("ref", True, ref="orders"), "title": Field("text", True, 300),
        "item_kind": Field("code", True, choices=PRODUCT_KINDS), "item_ref": Field("text", False, 80),
        "quantity": Field("int"), "unit_price": Field("amount"), "amount": Field("amount", True)}, money="amount"),
    "invoices": Entity({
        "source_id": _id(), "order_id": Field("ref", True, ref="orders", unique=True),
        "number": Field("text", True, 32), "issued_at": Field("date", True), "amount": Field("amount", True),
        "status": Field("code", True, choices=("paid", "cancelled", "expired", "refunded"))},
        date="issued_at", money="amount"),
    "payments": Entity({
        "source_id": _id(), "invoice_id": Field("ref", True, ref="invoices", unique=True),
        "reference": Field("text", False, 255), "paid_at": Field("date", True), "amount": Field("amount", True),
        "method": Field("code", choices=PAYMENT_METHODS), "ntpn": Field("text", False, 32)},
        date="paid_at", money="amount"),
}
