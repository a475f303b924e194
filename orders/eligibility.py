"""Which transaction kind a line gets: rules, not the consumer's choice.

- a line whose tariff price is 0 is ``free``;
- the office's own units (segment ``internal``) order ``internal``: no invoice;
- government agencies, domestic educational institutions and foreign or international
  institutions (segments ``government``, ``academic``, ``international``) get a priced
  product at zero rupiah for non-commercial use, once per product per institution,
  after an operator accepts their request letter;
- everyone else (individuals, students, private firms) pays.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from core.extensions import db
from orders.models import Order, TransactionKind, ZeroRupiahClaim

ZERO_RUPIAH_SEGMENTS = frozenset({"government", "academic", "international"})


def institution_key(institution: str) -> str:
    """Normalised institution name, so 'Universitas  Mataram' and 'universitas mataram' are one."""
    return re.sub(r"\s+", " ", (institution or "").strip().lower())[:200]


def zero_rupiah_possible(segment: str, institution: str, non_commercial: bool) -> bool:
    return segment in ZERO_RUPIAH_SEGMENTS and non_commercial and bool(institution_key(institution))


def already_claimed(item_ids: list[int], institution: str) -> set[int]:
    key = institution_key(institution)
    if not item_ids or not key:
        return set()
    return set(db.session.scalars(sa.select(ZeroRupiahClaim.item_id).where(
        ZeroRupiahClaim.institution_key == key, ZeroRupiahClaim.item_id.in_(item_ids))))


def decide_kind(price: int, segment: str, zero_rupiah_open: bool) -> TransactionKind:
    """The kind of one line.  ``zero_rupiah_open``: eligible and this product not yet claimed."""
    if segment == "internal":
        return TransactionKind.INTERNAL
    if price == 0:
        return TransactionKind.FREE
    if zero_rupiah_open:
        return TransactionKind.ZERO_RUPIAH
    return TransactionKind.PAID


def claim(order: Order) -> None:
    """Reserve each product of a zero-rupiah order for the institution (unique per product)."""
    key = institution_key(order.institution)
    for item_id in sorted({line.item_id for line in order.lines}):
        db.session.add(ZeroRupiahClaim(item_id=item_id, institution_key=key, order_id=order.id))


def release_claims(order: Order) -> None:
    """A rejected or cancelled zero-rupiah order gives the institution its once back."""
    db.session.execute(sa.delete(ZeroRupiahClaim).where(ZeroRupiahClaim.order_id == order.id))


def outlook(price: int, segment: str, institution: str, item_id: int) -> tuple[TransactionKind, str]:
    """The kind a cart line will get at checkout if the consumer asks for non-commercial use, and why
    (shown on the cart, so nobody is surprised that a second zero-rupiah order of a product is paid)."""
    if segment == "internal":
        return TransactionKind.INTERNAL, _("Your unit is part of the office: no invoice.")
    if price == 0:
        return TransactionKind.FREE, _("This item costs nothing.")
    if segment in ZERO_RUPIAH_SEGMENTS:
        if not institution_key(institution):
            return TransactionKind.PAID, _("Zero rupiah needs the name of your institution on your profile.")
        if item_id in already_claimed([item_id], institution):
            return TransactionKind.PAID, _("Your institution has already had this product at zero rupiah once; "
                                           "a second order pays the tariff.")
        return TransactionKind.ZERO_RUPIAH, _("Zero rupiah for non-commercial use: tick the box below and attach "
                                              "your institution's request letter. Otherwise you pay the tariff.")
    return TransactionKind.PAID, _("Individuals, students and companies pay the tariff.")
