"""Consumer pages: cart, checkout, order history and detail, documents, live status, downloads."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from core.errors import DomainError, Gone, Invalid, NotFound, form_failed
from core.extensions import db
from core.forms import ActionForm, submitted
from core.pagination import paginate
from core.permissions import login_required
from core.storage import get_storage
from orders import delivery, documents, review, services, workflow
from orders.forms import AddToCartForm, AgreementForm, CheckoutForm, ResubmitForm
from orders.models import DeliveredFile, InvoiceStatus, Order, OrderState
from orders.payments import inbox

bp = Blueprint("orders", __name__, template_folder="templates", static_folder="static",
               static_url_path="/orders/static")

NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _user():
    return current_user._get_current_object()


def _done(message: str, endpoint: str = "orders.cart", **values):
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


def _refused(exc: DomainError, endpoint: str, **values):
    flash(str(exc.message), "error")
    return redirect(url_for(endpoint, **values)), 303


def _cart_page(form: CheckoutForm):
    return render_template("orders/cart.html", rows=services.cart_rows(_user()), form=form, action=ActionForm())


@bp.get("/cart")
@login_required
def cart():
    return _cart_page(CheckoutForm())


@bp.post("/cart/add")
@login_required
def cart_add():
    form = AddToCartForm()
    if not form.validate_on_submit():
        raise Invalid(_("Choose an item and a quantity between 1 and 1000."))
    try:
        services.add_to_cart(_user(), form.item_id.data, form.quantity.data, form.region.data or "",
                             form.variables.data or [])
    except Invalid as exc:  # what to correct, and the way back to the item's order form (not a bare error page)
        return render_template("orders/add_refused.html", message=exc.message,
                               back=url_for("catalog.item", item_id=form.item_id.data, _anchor="order-form")), 400
    return _done(_("Added to your cart."))


@bp.post("/cart/<int:line_id>/remove")
@login_required
def cart_remove(line_id: int):
    submitted(ActionForm())
    services.remove_from_cart(_user(), line_id)
    return _done(_("Removed from your cart."))


@bp.post("/checkout")
@login_required
def checkout():
    form = CheckoutForm()
    if not form.validate_on_submit():
        return form_failed(Invalid(_("Check the checkout form and try again.")), "orders/cart.html", form=form,
                           rows=services.cart_rows(_user()), action=ActionForm())
    try:
        orders = services.checkout(_user(), services.CheckoutRequest(
            non_commercial=form.non_commercial.data, purpose=form.purpose.data or "",
            abstract=form.abstract.data, letter=form.letter.data, token=form.submission.data or ""))
    except DomainError as exc:  # the cart page again, the message at the top and on its field, the text kept
        form.submission.data = CheckoutForm().submission.default()
        return form_failed(exc, "orders/cart.html", form=form, rows=services.cart_rows(_user()),
                           action=ActionForm())
    if len(orders) == 1:
        return _done(_("Order %(number)s placed.", number=orders[0].number), "orders.order_detail",
                     order_id=orders[0].id)
    return _done(_("%(count)d orders placed.", count=len(orders)), "orders.order_list")


@bp.get("/orders")
@login_required
def order_list():
    query = sa.select(Order).where(Order.user_id == current_user.id).order_by(Order.id.desc())
    page = paginate(query)
    return render_template("orders/order_list.html", page=page)


def _own(order_id: int) -> Order:
    return workflow.order_for(_user(), order_id)


@bp.get("/orders/<int:order_id>")
@login_required
def order_detail(order_id: int):
    order = _own(order_id)
    files = db.session.scalars(sa.select(DeliveredFile).where(DeliveredFile.order_id == order.id)
                               .order_by(DeliveredFile.id)).all()
    links = {f.id: url_for("orders.download", token=delivery.link_token(f, current_user.id)) for f in files}
    return render_template("orders/order_detail.html", order=order, files=files, links=links,
                           action=ActionForm(), agreement_form=AgreementForm(), resubmit_form=ResubmitForm(),
                           States=OrderState, payment_processing=inbox.being_processed(order.invoice),
                           InvoiceStatus=InvoiceStatus), 200, NO_STORE


@bp.get("/orders/<int:order_id>/status.json")
@login_required
def order_status(order_id: int):
    order = _own(order_id)
    invoice = order.invoice
    return jsonify(state=order.state.value, state_label=order.state.label,
                   invoice_status=invoice.status.value if invoice else None,
                   invoice_label=invoice.status.label if invoice else "",
                   paid=bool(invoice and invoice.status is InvoiceStatus.PAID),
                   payment_processing=inbox.being_processed(invoice),
                   delivered=order.state is OrderState.DELIVERED), 200, {"Cache-Control": "no-store"}


@bp.post("/orders/<int:order_id>/cancel")
@login_required
def order_cancel(order_id: int):
    order = _own(order_id)
    submitted(ActionForm())
    workflow.cancel(order, _user())
    return _done(_("Order %(number)s cancelled.", number=order.number), "orders.order_detail", order_id=order.id)


@bp.post("/orders/<int:order_id>/again")
@login_required
def order_again(order_id: int):
    order = _own(order_id)
    submitted(ActionForm())
    added, left_out = services.order_again(_user(), order)
    if left_out:
        flash(_("No longer available as ordered, so not added: %(titles)s", titles="; ".join(left_out)), "warning")
    if not added:
        return redirect(url_for("orders.order_detail", order_id=order.id)), 303
    return _done(_("The items of order %(number)s are in your cart again, at today's prices.", number=order.number),
                 "orders.cart")


@bp.post("/orders/<int:order_id>/invoice/publish")
@login_required
def invoice_publish(order_id: int):
    """Try again to make an invoice payable online when the provider could not be reached."""
    order = _own(order_id)
    submitted(ActionForm())
    services.publish_invoices([order])
    return redirect(url_for("orders.order_detail", order_id=order.id))


@bp.post("/orders/<int:order_id>/revision")
@login_required
def order_resubmit(order_id: int):
    order = _own(order_id)
    form = ResubmitForm()
    submitted(form)
    review.resubmit(order, _user(), abstract=form.abstract.data, letter=form.letter.data)
    return _done(_("Thank you: the revised document is with the reviewer again."), "orders.order_detail",
                 order_id=order.id)


@bp.post("/orders/<int:order_id>/agreement")
@login_required
def agreement_accept(order_id: int):
    order = _own(order_id)
    form = AgreementForm()
    submitted(form)
    workflow.accept_agreement(order, _user(), form.signed_copy.data)
    return _done(_("Thank you: the data-use agreement is recorded."), "orders.order_detail", order_id=order.id)


def _pdf(data: bytes, filename: str) -> Response:
    return Response(data, mimetype="application/pdf", headers={
        **NO_STORE, "Content-Disposition": f'inline; filename="{filename}"'})


@bp.get("/orders/<int:order_id>/agreement.pdf")
@login_required
def agreement_pdf(order_id: int):
    order = _own(order_id)
    if not order.needs_agreement or order.state in {OrderState.PENDING_REVIEW, OrderState.REJECTED}:
        raise NotFound(_("Order not found."))
    return _pdf(documents.agreement_pdf(order), f"{order.number}-agreement.pdf")


@bp.get("/orders/<int:order_id>/invoice.pdf")
@login_required
def invoice_pdf(order_id: int):
    order = _own(order_id)
    if order.invoice is None:
        raise NotFound(_("Order not found."))
    return _pdf(documents.invoice_pdf(order.invoice), f"{order.number}-invoice.pdf")


@bp.get("/orders/<int:order_id>/receipt.pdf")
@login_required
def receipt_pdf(order_id: int):
    order = _own(order_id)
    if order.invoice is None or order.invoice.payment is None:
        raise NotFound(_("Order not found."))
    return _pdf(documents.receipt_pdf(order.invoice), f"{order.number}-kuitansi.pdf")


@bp.get("/orders/<int:order_id>/sample")
@login_required
def sample(order_id: int):
    order = _own(order_id)
    if not order.sample_key:
        raise NotFound(_("Order not found."))
    return send_file(get_storage().open(order.sample_key), download_name=order.sample_name, as_attachment=True,
                     max_age=0), 200, NO_STORE


@bp.get("/orders/download/<token>")
@login_required
def download(token: str):
    try:
        delivered = delivery.claim_download(token, _user())
    except (NotFound, Gone) as exc:
        return render_template("orders/download_problem.html", message=exc.message), exc.status, NO_STORE
    response = send_file(get_storage().open(delivered.storage_key), download_name=delivered.filename,
                         as_attachment=True, max_age=0, conditional=False)
    response.headers.update(NO_STORE)
    response.headers["X-Content-SHA256"] = delivered.sha256
    return response
