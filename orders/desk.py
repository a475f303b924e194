"""The operators' order desk (search, filter, review, fulfil) and the demo bank simulator: blueprint ``orders_desk``."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.errors import Invalid
from core.extensions import db
from core.forms import ActionForm, submitted
from core.pagination import paginate
from core.permissions import login_required, roles_required
from core.storage import get_storage
from orders import review, workflow
from orders.forms import ApproveForm, DeskFilters, FinishTaskForm, RejectForm, RevisionForm, SimulatorForm
from orders.models import FulfilmentTask, Invoice, Order, OrderState, TaskState, TransactionKind
from orders.payments.local import simulate_bank_payment
from orders.permissions import DESK_ROLES, SERVICE_ROLES
from orders.views import NO_STORE

bp = Blueprint("orders_desk", __name__, template_folder="templates")


def _user():
    return current_user._get_current_object()


def _staff_order(order_id: int) -> Order:
    return workflow.order_for(_user(), order_id, staff_view=True)


@bp.get("/desk/orders")
@roles_required(*DESK_ROLES)
def desk():
    filters = DeskFilters.read(request.args)
    q = filters.q.value
    query = sa.select(Order).order_by(Order.id.desc())
    if filters.state.data is not None:
        query = query.where(Order.state == filters.state.data)
    if filters.kind.data is not None:
        query = query.where(Order.kind == filters.kind.data)
    if q:
        query = query.outerjoin(Invoice).where(sa.or_(Order.number.contains(q[:40], autoescape=True),
                                                      Invoice.number.contains(q[:40], autoescape=True),
                                                      Invoice.billing_code == q[:32]))
    page = paginate(query)
    tasks = db.session.scalars(sa.select(FulfilmentTask).where(FulfilmentTask.state == TaskState.OPEN)
                               .order_by(FulfilmentTask.id).limit(50)).all()
    return render_template("orders/desk.html", page=page, tasks=tasks, states=list(OrderState),
                           kinds=list(TransactionKind), state=filters.state.value,
                           kind=filters.kind.value, q=q)


@bp.get("/desk/orders/<int:order_id>")
@roles_required(*DESK_ROLES)
def desk_order(order_id: int):
    order = _staff_order(order_id)
    task = db.session.scalar(sa.select(FulfilmentTask).where(FulfilmentTask.order_id == order.id))
    return render_template("orders/desk_order.html", order=order, task=task, approve_form=ApproveForm(),
                           reject_form=RejectForm(), revision_form=RevisionForm(), finish_form=FinishTaskForm(),
                           action=ActionForm(),
                           States=OrderState, can_act=any(current_user.has_role(r) for r in SERVICE_ROLES))


def _back(order_id: int, message: str):
    flash(message, "success")
    return redirect(url_for("orders_desk.desk_order", order_id=order_id))


@bp.post("/desk/orders/<int:order_id>/approve")
@roles_required(*SERVICE_ROLES)
def desk_approve(order_id: int):
    order = _staff_order(order_id)
    form = ApproveForm()
    submitted(form)
    workflow.approve(order, _user(), form.sample.data)
    return _back(order.id, _("Order %(number)s approved.", number=order.number))


@bp.post("/desk/orders/<int:order_id>/reject")
@roles_required(*SERVICE_ROLES)
def desk_reject(order_id: int):
    order = _staff_order(order_id)
    form = RejectForm()
    if not form.validate_on_submit():
        raise Invalid(_("Give the consumer a reason (at least a few words)."))
    workflow.reject(order, _user(), form.reason.data)
    return _back(order.id, _("Order %(number)s rejected.", number=order.number))


@bp.post("/desk/orders/<int:order_id>/revision")
@roles_required(*SERVICE_ROLES)
def desk_revision(order_id: int):
    order = _staff_order(order_id)
    form = RevisionForm()
    if not form.validate_on_submit():
        raise Invalid(_("Tell the consumer what to change (at least a few words)."))
    review.ask_revision(order, _user(), form.reason.data)
    return _back(order.id, _("Order %(number)s went back to the consumer for a revision.", number=order.number))


# What a stored document is, by its first bytes: (media type, extension, shown in the page)
_SIGNATURES = ((b"%PDF-", "application/pdf", ".pdf", True), (b"\x89PNG", "image/png", ".png", True),
               (b"\xff\xd8\xff", "image/jpeg", ".jpg", True), (b"PK\x03\x04", "application/zip", ".docx", False))


def _document_type(key: str) -> tuple[str, str, bool]:
    with get_storage().open(key) as handle:
        head = handle.read(8)
    for signature, media_type, extension, inline in _SIGNATURES:
        if head.startswith(signature):
            return media_type, extension, inline
    return "application/octet-stream", "", False


@bp.get("/desk/orders/<int:order_id>/document/<which>")
@roles_required(*DESK_ROLES)
def desk_document(order_id: int, which: str):
    """The consumer's document under a proper name; ``?view=1`` shows a PDF or image in the page (sandboxed)."""
    order = _staff_order(order_id)
    keys = {"abstract": order.abstract_key, "letter": order.letter_key, "agreement": order.agreement_signed_key}
    key = keys.get(which)
    if not key:
        abort(404)
    media_type, extension, viewable = _document_type(key)
    inline = viewable and request.args.get("view") == "1"
    headers = {**NO_STORE, "X-Content-Type-Options": "nosniff"}
    if inline:
        headers["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return send_file(get_storage().open(key), mimetype=media_type, download_name=f"{order.number}-{which}{extension}",
                     as_attachment=not inline, max_age=0), 200, headers


def _task(task_id: int) -> FulfilmentTask:
    task = db.session.get(FulfilmentTask, task_id)
    if task is None:
        abort(404)
    return task


@bp.post("/desk/tasks/<int:task_id>/take")
@roles_required(*SERVICE_ROLES)
def desk_take(task_id: int):
    task = _task(task_id)
    submitted(ActionForm())
    workflow.take_task(task, _user())
    return _back(task.order_id, _("You are preparing this order."))


@bp.post("/desk/tasks/<int:task_id>/finish")
@roles_required(*SERVICE_ROLES)
def desk_finish(task_id: int):
    task = _task(task_id)
    form = FinishTaskForm()
    submitted(form)
    workflow.finish_task(task, _user(), form.files.data or [])
    return _back(task.order_id, _("Delivered: the consumer can download the files now."))


def simulator_enabled() -> bool:
    config = current_app.config
    return config["STATDESK_BANK_SIMULATOR"] and config["STATDESK_ENV"] != "production"


@bp.route("/bank-simulator", methods=["GET", "POST"])
@login_required
def bank_simulator():
    """A demo 'bank': pays a billing code by sending the same signed callback a real bank would."""
    if not simulator_enabled():
        abort(404)
    form = SimulatorForm(billing_code=request.args.get("code", ""))
    answer = None
    if form.validate_on_submit():
        answer = simulate_bank_payment(form.billing_code.data.strip(), form.amount.data)
    status = answer.status if answer and answer.status >= 400 else 200
    return render_template("orders/bank_simulator.html", form=form, answer=answer), status
