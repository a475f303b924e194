"""Cart and checkout: turning what a consumer picked into orders of the right kinds.

Each public function checks who acts, validates, changes state (through
``orders.states``), writes audit entries and outbox messages, and commits once.
Invoices for the ``stripe`` provider are published after that commit.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from core import audit, clock, unit_of_work
from core.errors import Conflict, DomainError, Invalid, NotFound, TooLarge
from core.extensions import db
from core.locks import locked
from core.storage import get_storage
from orders import catalog_port, eligibility, review, states
from orders.emails import invoice_issued
from orders.fulfilment import move_cleared_order
from orders.invoicing import issue_invoice
from orders.models import CartLine, Order, OrderLine, OrderState, TransactionKind
from orders.payments import default_provider

DOCUMENT_EXTENSIONS = frozenset({".pdf", ".doc", ".docx", ".odt", ".png", ".jpg", ".jpeg"})
MAX_QUANTITY = 1000


def order_number(order: Order) -> str:
    return f"ORD-{order.created_at.year}-{order.id:06d}"


# -- cart ---------------------------------------------------------------------------------------

def add_to_cart(user, item_id: int, quantity: int = 1, region: str = "", variables: list[str] | None = None):
    """Put an orderable item in the user's cart, with the map region or microdata variables picked."""
    item = catalog_port.orderable_item(item_id, user)
    if item is None:
        raise NotFound(_("This item cannot be ordered."))
    line = _cart_line(user, item, quantity, _validated_options(item, region, variables or []))
    db.session.commit()
    return line


def _cart_line(user, item: catalog_port.OrderableItem, quantity: int, options: dict) -> CartLine:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise Invalid(_("Enter a quantity between 1 and %(max)d.", max=MAX_QUANTITY))
    line = CartLine(user_id=user.id, item_id=item.id, quantity=quantity, options=options)
    db.session.add(line)
    return line


def order_again(user, order: Order) -> tuple[int, list[str]]:
    """Put the lines of one of ``user``'s earlier orders back in the cart, at today's tariff.

    Regular consumers ask for the same data again (a known gap of SILASTIK).  Items
    that can no longer be ordered, or whose picked region or variables are no longer
    offered, are left out and named.  Returns the number of lines added and the titles left out.
    """
    added, left_out = 0, []
    for old in order.lines:
        item = catalog_port.orderable_item(old.item_id, user)
        try:
            if item is None:
                raise NotFound(_("This item cannot be ordered."))
            options = _validated_options(item, old.options.get("region", ""), old.options.get("variables", []))
            _cart_line(user, item, old.quantity, options)
            added += 1
        except DomainError:
            left_out.append(old.title)
    db.session.commit()
    return added, left_out


def _validated_options(item: catalog_port.OrderableItem, region: str, variables: list[str]) -> dict:
    if item.kind == "map":
        if item.regions and region not in item.regions:
            raise Invalid(_("Choose one of the regions this map is sold for."))
        return {"region": region}
    if item.kind == "microdata":
        picked = sorted(set(variables))
        if not picked or not set(picked) <= set(item.variables):
            raise Invalid(_("Choose at least one of the variables of this dataset."))
        return {"variables": picked}
    return {}


def cart_lines(user) -> list[CartLine]:
    return list(db.session.scalars(sa.select(CartLine).where(CartLine.user_id == user.id).order_by(CartLine.id)))


@dataclass(frozen=True)
class CartRow:
    line: CartLine
    title: str
    price: int | None  # None: the item can no longer be ordered
    kind: TransactionKind | None = None  # what checkout will make of it, and why
    reason: str = ""


def _title_in(item, locale: str) -> str:
    return (item.title_en or item.title) if locale == "en" else item.title


def cart_rows(user) -> list[CartRow]:
    """The cart with each item's current title and tariff price, for the cart page."""
    from flask_babel import get_locale

    locale = str(get_locale() or "id")
    segment = user.profile.segment.value if user.profile else ""
    institution = user.profile.institution if user.profile else ""
    rows = []
    for line in cart_lines(user):
        item = catalog_port.orderable_item(line.item_id, user)
        price = catalog_port.line_price(item.id, line.quantity, line.options) if item else None
        title = f"#{line.item_id}" if item is None else _title_in(item, locale)
        kind, reason = (eligibility.outlook(price, segment, institution, line.item_id) if item is not None
                        else (None, ""))
        rows.append(CartRow(line, title, price, kind, reason))
    return rows


def remove_from_cart(user, line_id: int) -> None:
    line = db.session.get(CartLine, line_id)
    if line is None or line.user_id != user.id:
        raise NotFound(_("This line is not in your cart."))
    db.session.delete(line)
    db.session.commit()


# -- checkout -----------------------------------------------------------------------------------

@dataclass
class CheckoutRequest:
    non_commercial: bool = False
    purpose: str = ""
    abstract: object | None = None  # an uploaded file (``werkzeug.FileStorage``) or None
    letter: object | None = None
    token: str = ""  # the checkout form's one-time token ("" for none)


@dataclass
class _PricedLine:
    cart: CartLine
    item: catalog_port.OrderableItem
    price: int


def checkout(user, submission: CheckoutRequest) -> list[Order]:
    """Create one order per transaction kind from the cart; kinds are decided by ``eligibility``.

    One cart submission places its orders once: the cart's lines are locked and
    consumed, so a simultaneous checkout of the same cart waits and then finds it
    empty; one repeating ``submission.token`` gets the orders that token placed.
    """
    lines = _locked_cart(user)
    if submission.token:
        placed = db.session.scalars(sa.select(Order).where(Order.user_id == user.id,
                                                           Order.checkout_token == submission.token)
                                    .order_by(Order.id)).all()
        if placed:
            return placed
    priced = _price_cart(user, lines)
    segment = user.segment.value if user.segment else "public"
    institution = user.profile.institution if user.profile else ""
    eligible = eligibility.zero_rupiah_possible(segment, institution, submission.non_commercial)
    claimed = eligibility.already_claimed([p.item.id for p in priced], institution) if eligible else set()
    groups: dict[TransactionKind, list[_PricedLine]] = defaultdict(list)
    for line in priced:
        kind = eligibility.decide_kind(line.price, segment, eligible and line.item.id not in claimed)
        groups[kind].append(line)
    _check_documents(groups, submission)
    abstract_key = _store(submission.abstract, "orders/abstracts") if _needs_abstract(groups) else None
    letter_key = _store(submission.letter, "orders/letters") if TransactionKind.ZERO_RUPIAH in groups else None
    try:
        orders = [_create_order(user, kind, lines, segment, institution, submission, abstract_key, letter_key)
                  for kind, lines in groups.items()]
        # Only the lines ordered: one added meanwhile stays in the cart.
        db.session.execute(sa.delete(CartLine).where(CartLine.id.in_([p.cart.id for p in priced])))
        unit_of_work.after_commit(publish_invoices, orders)
        db.session.commit()
    except sa.exc.IntegrityError as exc:  # a colleague's simultaneous zero-rupiah claim for the same product
        db.session.rollback()
        for key in filter(None, (abstract_key, letter_key)):
            get_storage().delete(key)
        raise Conflict(_("Your institution has already requested one of these products at zero "
                                "rupiah. Please review your cart.")) from exc
    return orders


def _locked_cart(user) -> list[CartLine]:
    """The user's cart lines, locked until the checkout's transaction ends (see ``core.locks``)."""
    with db.session.no_autoflush:
        return list(db.session.scalars(locked(sa.select(CartLine).where(CartLine.user_id == user.id)
                                              .order_by(CartLine.id))))


def _price_cart(user, lines: list[CartLine]) -> list[_PricedLine]:
    if not lines:
        raise Invalid(_("Your cart is empty."))
    priced = []
    for line in lines:
        item = catalog_port.orderable_item(line.item_id, user)
        if item is None:
            raise Conflict(_("An item in your cart can no longer be ordered; remove it first."))
        priced.append(_PricedLine(line, item, catalog_port.line_price(item.id, line.quantity, line.options)))
    return priced


def _needs_abstract(groups) -> bool:
    return any(p.item.kind == "microdata" for lines in groups.values() for p in lines)


def _check_documents(groups, submission: CheckoutRequest) -> None:
    # Each refusal names its field, so the cart page shows it under that field (and at the top).
    if _needs_abstract(groups) and not _has_file(submission.abstract):
        message = _("Microdata orders need a data-use abstract: attach it to continue.")
        raise Invalid(message, errors={"abstract": [message]})
    if TransactionKind.ZERO_RUPIAH in groups and not _has_file(submission.letter):
        message = _("Zero-rupiah requests need your institution's request letter: attach it "
                    "to continue, or declare commercial use to pay the tariff.")
        raise Invalid(message, errors={"letter": [message]})
    if TransactionKind.ZERO_RUPIAH in groups and not submission.purpose.strip():
        message = _("Describe the non-commercial purpose of your request.")
        raise Invalid(message, errors={"purpose": [message]})


def _has_file(upload) -> bool:
    return upload is not None and bool(getattr(upload, "filename", ""))


def store_document(upload, prefix: str):
    """Save an uploaded document (checked type and size); return ``(StoredObject, safe filename)``."""
    from werkzeug.utils import secure_filename

    filename = secure_filename(upload.filename or "") or "document"
    if os.path.splitext(filename)[1].lower() not in DOCUMENT_EXTENSIONS:
        raise Invalid(_("Upload a PDF, Word, OpenDocument or image file."))
    return _save_limited(upload, prefix), filename


def store_data_file(upload, prefix: str):
    """Save prepared data or a sample (any type: CSV, SAV, ZIP …); only the size is limited."""
    from werkzeug.utils import secure_filename

    filename = secure_filename(upload.filename or "") or "data"
    return _save_limited(upload, prefix), filename


def _save_limited(upload, prefix: str):
    storage = get_storage()
    stored = storage.save(upload.stream, prefix=prefix)
    if stored.size == 0 or stored.size > current_app.config["STATDESK_MAX_UPLOAD_MB"] * 1024 * 1024:
        storage.delete(stored.key)
        refusal = TooLarge if stored.size else Invalid
        raise refusal(_("The file is empty or larger than allowed."))
    return stored


def _store(upload, prefix: str) -> str:
    return store_document(upload, prefix)[0].key


def _create_order(user, kind, lines, segment, institution, submission, abstract_key, letter_key) -> Order:
    has_microdata = any(p.item.kind == "microdata" for p in lines)
    charged = kind is TransactionKind.PAID
    order = Order(user_id=user.id, kind=kind, state=OrderState.PENDING_REVIEW, segment=segment,
                  institution=institution, purpose=submission.purpose.strip()[:4000],
                  total=sum(p.price for p in lines) if charged else 0,
                  needs_review=has_microdata or kind is TransactionKind.ZERO_RUPIAH,
                  needs_agreement=has_microdata, abstract_key=abstract_key if has_microdata else None,
                  letter_key=letter_key if kind is TransactionKind.ZERO_RUPIAH else None,
                  checkout_token=submission.token or None, created_at=clock.now())
    order.user = user
    order.lines = [_order_line(p) for p in lines]
    db.session.add(order)
    db.session.flush()
    order.number = order_number(order)
    if kind is TransactionKind.ZERO_RUPIAH:
        eligibility.claim(order)
    if order.needs_review:
        states.start(order, OrderState.PENDING_REVIEW, user)
        review.submit(order)
    elif charged:
        states.start(order, OrderState.AWAITING_PAYMENT, user)
        open_invoice(order, user)
    else:
        move_cleared_order(order, "create", user)
    return order


def _order_line(priced: _PricedLine) -> OrderLine:
    item = priced.item
    options = dict(priced.cart.options)
    if item.kind != "microdata":
        options["files"] = [vars(f) for f in item.ready_files]
    return OrderLine(item_id=item.id, item_kind=item.kind, title=item.title[:300],
                     title_en=(getattr(item, "title_en", "") or "")[:300], quantity=priced.cart.quantity,
                     unit_price=priced.price // priced.cart.quantity if priced.cart.quantity else priced.price,
                     amount=priced.price, options=options, needs_preparation=item.needs_preparation)


def open_invoice(order: Order, actor=None):
    """Issue the order's invoice with the configured provider (inside the caller's transaction)."""
    provider = default_provider()
    invoice = issue_invoice(order, provider.name, actor)
    provider.prepare(invoice)
    db.session.flush()
    invoice_issued(order)
    return invoice


def publish_invoices(orders: list[Order]) -> None:
    """Let the provider make each new invoice payable (a no-op for ``local``).

    Queued as an after-commit effect by the services that issue invoices (the
    provider must never publish an invoice whose transaction rolled back); the
    order page's "try again" calls it directly.
    """
    from orders.payments import provider_named

    for order in orders:
        invoice = order.invoice
        if invoice is not None and invoice.provider_ref is None and invoice.billing_code is None:
            try:
                provider_named(invoice.provider).publish(invoice)
            except Exception:  # the invoice stays open; the order page offers to try again (invoice_publish)
                db.session.rollback()
                current_app.logger.exception("publishing invoice %s failed", invoice.number)
                audit.record("invoice.publish_failed", ("Invoice", invoice.id), None)
                db.session.commit()


# -- an order placed for a consumer without a cart (standing orders) --------------------------------

STANDING_PREFIX = "standing-"  # the checkout token of an order a standing order placed


def place_standing_order(user, item_id: int, token: str, *, non_commercial: bool = False, purpose: str = "",
                         letter_key: str | None = None, abstract_key: str | None = None) -> Order | None:
    """Order one item for ``user`` under today's rules, as a checkout of that one item would (inside the
    caller's transaction; the caller commits).

    The kind is decided afresh (``eligibility``: segment, institution and the product's zero-rupiah claim
    today), the price is today's tariff, microdata goes to review (with the standing order's abstract), a
    paid order gets its invoice and billing code, a free one is delivered at once.  ``token``
    (``STANDING_PREFIX`` + a key of the caller's) makes it idempotent: the same token returns the
    order it placed.  Returns None when the item cannot be ordered by this user today, or when it needs a
    document the standing order does not hold (microdata without an abstract).
    """
    token = (STANDING_PREFIX + token)[:64]
    placed = db.session.scalar(sa.select(Order).where(Order.user_id == user.id, Order.checkout_token == token))
    if placed is not None:
        return placed
    item = catalog_port.orderable_item(item_id, user)
    if item is None or (item.kind == "microdata" and not abstract_key):
        return None
    line = CartLine(user_id=user.id, item_id=item.id, quantity=1, options={})
    priced = _PricedLine(line, item, catalog_port.line_price(item.id, 1, {}))
    segment = user.segment.value if user.segment else "public"
    institution = user.profile.institution if user.profile else ""
    eligible = (eligibility.zero_rupiah_possible(segment, institution, non_commercial) and bool(letter_key)
                and not eligibility.already_claimed([item.id], institution))
    kind = eligibility.decide_kind(priced.price, segment, eligible)
    submission = CheckoutRequest(non_commercial=non_commercial, purpose=purpose, token=token)
    with db.session.begin_nested():
        order = _create_order(user, kind, [priced], segment, institution, submission, abstract_key, letter_key)
    unit_of_work.after_commit(publish_invoices, [order])
    return order
