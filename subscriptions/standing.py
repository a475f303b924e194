"""Standing orders: a consumer's order for every new release of one series.

When an item is released, ``place_for_release`` (run by the fan-out job of the
release event) finds the active standing orders of its series and asks the orders
package to place one order for each under the rules of that day
(``orders.services.place_standing_order``: transaction kind and zero-rupiah
eligibility decided afresh, today's tariff, microdata review, invoice and billing
code for a paid order, immediate delivery of a free one).  A ``StandingRelease``
row per (standing order, item), unique, and the order's checkout token make a
retried job place nothing twice.  A paused standing order skips the releases made
while it is paused (noted as ``paused``, so a job retried after the resumption does
not order them either); an ended one never orders again.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from accounts.models import User
from catalog.models import Item
from core import audit
from core.errors import Conflict, Invalid, NotFound
from core.extensions import db
from core.fields import MAX_ID
from core.locks import locked
from orders import services as orders_services
from subscriptions import matching
from subscriptions.models import StandingOrder, StandingRelease, StandingState
from subscriptions.services import followable_item

TRANSITIONS = {"pause": ({StandingState.ACTIVE}, StandingState.PAUSED),
               "resume": ({StandingState.PAUSED}, StandingState.ACTIVE),
               "end": ({StandingState.ACTIVE, StandingState.PAUSED}, StandingState.ENDED)}


def standing_orders_of(user) -> list[StandingOrder]:
    return list(db.session.scalars(sa.select(StandingOrder).where(StandingOrder.user_id == user.id)
                                   .order_by(StandingOrder.id)))


def create(user, item_id: int, *, non_commercial: bool = False, purpose: str = "", letter=None,
           abstract=None) -> StandingOrder:
    """Order every future release of the item's series (documents kept for the orders it will place)."""
    item = followable_item(item_id)
    series = matching.series_key(item)
    existing = db.session.scalar(sa.select(StandingOrder).where(
        StandingOrder.user_id == user.id, StandingOrder.series == series,
        StandingOrder.state != StandingState.ENDED))
    if existing is not None:
        raise Conflict(_("You already have a standing order for this series."))
    purpose = (purpose or "").strip()[:4000]
    if non_commercial and not purpose:
        raise Invalid(_("Describe the non-commercial purpose of your request."))
    letter_key = _stored(letter, "orders/letters") if non_commercial else None
    if non_commercial and letter_key is None:
        raise Invalid(_("Zero-rupiah requests need your institution's request letter: attach it to continue, "
                        "or declare commercial use to pay the tariff."))
    abstract_key = _stored(abstract, "orders/abstracts")
    if item.kind.value == "microdata" and abstract_key is None:
        raise Invalid(_("Microdata orders need a data-use abstract: attach it to continue."))
    standing = StandingOrder(user_id=user.id, series=series, label=matching.series_label(item, user.locale),
                             non_commercial=non_commercial, purpose=purpose, letter_key=letter_key,
                             abstract_key=abstract_key)
    db.session.add(standing)
    db.session.flush()
    audit.record("standing_order.created", standing, user, series=series)
    db.session.commit()
    return standing


def _stored(upload, prefix: str) -> str | None:
    if upload is None or not getattr(upload, "filename", ""):
        return None
    return orders_services.store_document(upload, prefix)[0].key


def change(user, standing_id: int, event: str) -> StandingOrder:
    standing = db.session.get(StandingOrder, standing_id) if 0 < standing_id <= MAX_ID else None
    if standing is None or standing.user_id != user.id:
        raise NotFound()
    allowed, target = TRANSITIONS[event]
    if standing.state not in allowed:
        raise Conflict(_("This standing order cannot be changed that way now."))
    standing.state = target
    audit.record(f"standing_order.{event}", standing, user)
    db.session.commit()
    return standing


def place_for_release(item_id: int) -> int:
    """Place the orders of every active standing order of the released item's series; returns how many."""
    item = db.session.get(Item, item_id)
    if item is None or not item.is_public():
        return 0
    series = matching.series_key(item)
    ids = list(db.session.scalars(sa.select(StandingOrder.id).where(
        StandingOrder.series == series, StandingOrder.state.in_((StandingState.ACTIVE, StandingState.PAUSED)))
        .order_by(StandingOrder.id)))
    db.session.commit()
    return sum(_place_one(standing_id, item) for standing_id in ids)


def _place_one(standing_id: int, item: Item) -> int:
    standing = db.session.scalars(locked(sa.select(StandingOrder).where(StandingOrder.id == standing_id))).first()
    done = db.session.scalar(sa.select(StandingRelease.id).where(StandingRelease.standing_order_id == standing_id,
                                                                 StandingRelease.item_id == item.id))
    if standing is None or standing.state is StandingState.ENDED or done is not None:
        db.session.commit()
        return 0
    if standing.state is StandingState.PAUSED:  # skipped for good: resuming later does not order it
        db.session.add(StandingRelease(standing_order_id=standing.id, item_id=item.id, outcome="paused"))
        db.session.commit()
        return 0
    user = db.session.get(User, standing.user_id)
    order = None
    if user is not None and user.active:
        try:
            order = orders_services.place_standing_order(
                user, item.id, f"{standing.id}-{item.id}", non_commercial=standing.non_commercial,
                purpose=standing.purpose, letter_key=standing.letter_key, abstract_key=standing.abstract_key)
        except sa.exc.IntegrityError:  # the institution's zero-rupiah claim was taken meanwhile
            order = None
    outcome = order.kind.value if order is not None else "not_orderable"
    db.session.add(StandingRelease(standing_order_id=standing.id, item_id=item.id,
                                   order_id=order.id if order is not None else None, outcome=outcome))
    audit.record("standing_order.placed", standing, None, item_id=item.id, outcome=outcome)
    db.session.commit()
    return 1 if order is not None else 0
