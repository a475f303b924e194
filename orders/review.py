"""The review of an order's data-use abstract (microdata) or zero-rupiah letter, as routed work with a clock.

An order that needs review is a roster work item of kind ``review`` from the moment it is placed: it goes to
an operator on duty who reviews (or to the queue), shows on the work list with its deadline
(``STATDESK_REVIEW_SLA`` of working time, ``1d`` unless told), is reminded and escalated like any other
item, and ends with the decision.  The reviewer approves, rejects with a reason, or asks for a revision:
the consumer is told why, the clock pauses while the order waits for them, and a new abstract or letter
puts the order back with the same reviewer and a fresh clock.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, url_for
from flask_babel import gettext as _

from core import audit, clock
from core.errors import Invalid
from core.extensions import db
from orders import states
from orders.emails import revision_requested
from orders.models import Order, OrderState
from roster import engine
from roster.calendar import parse_working_duration, working_calendar

ITEM_TYPE = "order_review"
ROUTING_KIND = "review"
WARNING_SHARE = 0.75


def _clock(start: datetime) -> tuple[datetime, datetime]:
    calendar = working_calendar()
    allowed = parse_working_duration(current_app.config["STATDESK_REVIEW_SLA"])
    return calendar.add_working_time(start, allowed), calendar.add_working_time(start, allowed * WARNING_SHARE)


def _label(order: Order) -> str:
    return _("%(number)s · review", number=order.number)[:120]


def submit(order: Order) -> None:
    """Route the review of a new order (inside the order's transaction)."""
    due_at, warn_at = _clock(clock.now())
    engine.submit(engine.Routable(ITEM_TYPE, order.id, ROUTING_KIND, _label(order), due_at, warn_at))


def finish(order: Order) -> None:
    """The review is decided (approved or rejected) or the order withdrawn: the reviewer's load falls."""
    engine.release(ITEM_TYPE, order.id)


def ask_revision(order: Order, actor, reason: str) -> None:
    """The reviewer sends the abstract or letter back with what to change; the clock waits for the consumer."""
    from orders.permissions import require_service_staff

    require_service_staff(actor)
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise Invalid(_("Tell the consumer what to change (at least a few words)."))
    order.review_reason = reason[:4000]
    order.reviewed_by_id = actor.id
    states.apply(order, "ask_revision", OrderState.AWAITING_REVISION, actor, reason=order.review_reason)
    engine.set_clock(ITEM_TYPE, order.id, None, None)
    revision_requested(order)
    db.session.commit()


def resubmit(order: Order, user, abstract=None, letter=None) -> None:
    """The consumer sends the revised abstract (or letter): the order is reviewed again on a fresh clock."""
    from orders.services import store_document

    if order.user_id != user.id:
        raise Invalid(_("Only the person who placed the order can revise it."))
    files = {"abstract": abstract if order.abstract_key else None, "letter": letter if order.letter_key else None}
    given = {name: upload for name, upload in files.items() if upload is not None and getattr(upload, "filename", "")}
    if not given:
        raise Invalid(_("Attach the revised document."))
    for name, upload in given.items():
        stored, _filename = store_document(upload, f"orders/{name}s")
        setattr(order, f"{name}_key", stored.key)
    states.apply(order, "resubmit", OrderState.PENDING_REVIEW, user)
    engine.set_clock(ITEM_TYPE, order.id, *_clock(clock.now()))
    audit.record("order.revised", order, user, number=order.number, files=sorted(given))
    db.session.commit()


def on_work_assigned(item, decision, actor=None) -> None:
    """Roster owner handler: a review got its reviewer (recorded on the order's audit trail)."""
    order = db.session.get(Order, int(item.item_id))
    if order is not None:
        audit.record("order.review_assigned", order, actor, number=order.number, operator=item.assignee_id)


def work_details(item_ids: list[str]):
    """Work-list details of reviews (one query): what is reviewed, for whom, a link to the desk."""
    import sqlalchemy as sa

    from roster.worklist import WorkDetails

    orders = db.session.scalars(sa.select(Order).where(Order.id.in_([int(i) for i in item_ids]))).all()
    return {str(order.id): WorkDetails(
        _("Data-use abstract") if order.abstract_key else _("Zero-rupiah letter"),
        order.user.full_name if order.user else "", _("Website"),
        url_for("orders_desk.desk_order", order_id=order.id), order.created_at) for order in orders}
