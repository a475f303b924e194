"""Supervisors' roster pages, the decision log with reassignment, and operators' own roster."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from core import clock
from core.errors import DomainError, flash_refusal
from core.extensions import db
from core.fields import BoundedIntegerField
from core.forms import EnumFilter, ListFilters
from core.pagination import paginate
from core.permissions import roles_required
from roster import services
from roster.duty import kinds_served_by, on_duty
from roster.forms import ClosureForm, ExceptionForm, QuotaForm, ReassignForm, ShiftForm
from roster.kinds import kind_label, known_kinds
from roster.models import (
    AssignmentDecision,
    DecisionOutcome,
    DutyException,
    DutyShift,
    ExceptionKind,
    Quota,
    WorkItem,
    WorkStatus,
)
from roster.reasons import WEEKDAY_NAMES, describe
from roster.services import ExceptionData
from roster.worklist import rows_for

bp = Blueprint("roster", __name__, template_folder="templates", url_prefix="/roster")


def _forms():
    operator_choices = [SelectChoice(u.id, u.full_name) for u in services.operators()]
    kind_choices = [SelectChoice(code, label) for code, label in known_kinds().items()]
    shift, exception, quota = ShiftForm(prefix="shift"), ExceptionForm(prefix="exc"), QuotaForm(prefix="quota")
    for form in (shift, exception, quota):
        form.operator_id.choices = operator_choices
    shift.kinds.choices = exception.kinds.choices = kind_choices
    exception.substitute_id.choices = [SelectChoice(0, _l("Nobody: the engine chooses")), *operator_choices]
    quota.kind.choices = [SelectChoice("", _l("All kinds together")), *kind_choices]
    return shift, exception, quota, ClosureForm(prefix="closure")


def _overview(status: int = 200, forms=None):
    shift_form, exception_form, quota_form, closure_form = forms or _forms()
    today = clock.now().date()
    shifts = db.session.scalars(sa.select(DutyShift).order_by(DutyShift.weekday, DutyShift.starts)).all()
    exceptions = db.session.scalars(sa.select(DutyException).where(DutyException.last_day >= today)
                                    .order_by(DutyException.first_day).limit(200)).all()
    quotas = db.session.scalars(sa.select(Quota).order_by(Quota.operator_id, Quota.kind)).all()
    queued = db.session.scalar(sa.select(sa.func.count()).select_from(WorkItem)
                               .where(WorkItem.status == WorkStatus.QUEUED))
    names = {u.id: u.full_name for u in services.operators()}
    return render_template("roster/overview.html", shifts=shifts, exceptions=exceptions, quotas=quotas,
                           on_duty=on_duty(clock.now()), names=names, queued=queued, weekdays=WEEKDAY_NAMES,
                           kind_label=kind_label, shift_form=shift_form, exception_form=exception_form,
                           quota_form=quota_form, default_quota=current_app.config["STATDESK_DEFAULT_QUOTA"],
                           closure_form=closure_form, closures=services.closures(),
                           format_day=lambda day: format_date(day, "full"),
                           ExceptionKind=ExceptionKind), status


def _failed(exc: DomainError, forms=None):
    return _overview(flash_refusal(exc), forms)


@bp.get("/")
@roles_required("supervisor")
def overview():
    return _overview()


@bp.post("/shifts")
@roles_required("supervisor")
def add_shift():
    forms = _forms()
    form = forms[0]
    if not form.validate_on_submit():
        return _overview(400, forms)
    try:
        services.add_shift(current_user, form.operator_id.data, form.weekday.data, form.starts.data,
                           form.ends.data, form.kinds.data)
    except DomainError as exc:
        return _failed(exc, forms)
    flash(_("Shift added."), "success")
    return redirect(url_for("roster.overview"))


@bp.post("/shifts/<int:shift_id>/delete")
@roles_required("supervisor")
def delete_shift(shift_id: int):
    try:
        services.delete_shift(current_user, shift_id)
    except DomainError as exc:
        return _failed(exc)
    flash(_("Shift removed."), "success")
    return redirect(url_for("roster.overview"))


@bp.post("/exceptions")
@roles_required("supervisor")
def add_exception():
    forms = _forms()
    form = forms[1]
    if not form.validate_on_submit():
        return _overview(400, forms)
    data = ExceptionData(operator_id=form.operator_id.data, kind=ExceptionKind(form.kind.data),
                         first_day=form.first_day.data, last_day=form.last_day.data, starts=form.starts.data,
                         ends=form.ends.data, kinds=form.kinds.data, note=form.note.data or "",
                         substitute_id=form.substitute_id.data or None)
    try:
        services.add_exception(current_user, data)
    except DomainError as exc:
        return _failed(exc, forms)
    flash(_("Saved."), "success")
    return redirect(url_for("roster.overview"))


@bp.post("/exceptions/<int:exception_id>/delete")
@roles_required("supervisor")
def delete_exception(exception_id: int):
    try:
        services.delete_exception(current_user, exception_id)
    except DomainError as exc:
        return _failed(exc)
    flash(_("Removed."), "success")
    return redirect(url_for("roster.overview"))


@bp.post("/closures")
@roles_required("supervisor")
def add_closure():
    forms = _forms()
    form = forms[3]
    if not form.validate_on_submit():
        return _overview(400, forms)
    try:
        services.add_closure(current_user, form.day.data, form.name.data)
    except DomainError as exc:
        return _failed(exc, forms)
    flash(_("The office is closed on %(day)s: no clock runs that day.", day=format_date(form.day.data, "full")),
          "success")
    return redirect(url_for("roster.overview"))


@bp.post("/closures/<int:closure_id>/delete")
@roles_required("supervisor")
def delete_closure(closure_id: int):
    try:
        services.delete_closure(current_user, closure_id)
    except DomainError as exc:
        return _failed(exc)
    flash(_("Removed."), "success")
    return redirect(url_for("roster.overview"))


@bp.post("/quotas")
@roles_required("supervisor")
def set_quota():
    forms = _forms()
    form = forms[2]
    if not form.validate_on_submit():
        return _overview(400, forms)
    try:
        services.set_quota(current_user, form.operator_id.data, form.kind.data or "", form.max_open.data)
    except DomainError as exc:
        return _failed(exc, forms)
    flash(_("Quota saved."), "success")
    return redirect(url_for("roster.overview"))


def _reassign_choices(item: WorkItem, known: dict | None = None) -> list[SelectChoice]:
    """Only people who can take the item; each label says their load and whether it goes over quota.

    ``known`` keeps the candidates of each kind for the rest of a page (one lookup per kind, not per row).
    """
    known = {} if known is None else known
    if item.kind not in known:
        known[item.kind] = services.reassign_candidates(item.kind)
    holder = item.assignee_id if item.status is WorkStatus.ASSIGNED else None
    return [SelectChoice(c.operator.id, c.label()) for c in known[item.kind] if c.operator.id != holder]


class DecisionFilters(ListFilters):
    item = BoundedIntegerField(validators=[Optional(), NumberRange(min=1)])
    operator = BoundedIntegerField(validators=[Optional(), NumberRange(min=1)])
    outcome = EnumFilter(enum_class=DecisionOutcome)


@bp.get("/decisions")
@roles_required("supervisor")
def decisions():
    from flask import request

    form = DecisionFilters.read(request.args)
    query = sa.select(AssignmentDecision).order_by(AssignmentDecision.id.desc())
    if form.item.data:
        query = query.where(AssignmentDecision.work_item_id == form.item.data)
    if form.operator.data:
        query = query.where(AssignmentDecision.operator_id == form.operator.data)
    if form.outcome.data is not None:
        query = query.where(AssignmentDecision.outcome == form.outcome.data)
    page = paginate(query)
    links = {(row.item.item_type, row.item.item_id): row.details.url
             for row in rows_for([decision.work_item for decision in page.items]) if row.details}
    known: dict = {}
    return render_template("roster/decisions.html", page=page, describe=describe, form=form, links=links,
                           outcomes=DecisionOutcome, operators=services.operators(),
                           choices=lambda item: _reassign_choices(item, known),
                           kind_label=kind_label, WorkStatus=WorkStatus, args=request.args)


@bp.post("/items/<int:item_id>/reassign")
@roles_required("supervisor")
def reassign(item_id: int):
    form = ReassignForm()
    item = db.session.get(WorkItem, item_id)
    form.operator_id.choices = _reassign_choices(item) if item is not None else []
    if not form.validate_on_submit():
        flash(_("Choose an operator."), "error")
        return redirect(url_for("roster.decisions"))
    try:
        services.reassign(current_user, item_id, form.operator_id.data)
    except DomainError as exc:
        flash_refusal(exc)
        return redirect(url_for("roster.decisions"))
    flash(_("Reassigned."), "success")
    return redirect(url_for("roster.decisions"))


@bp.get("/mine")
@roles_required("operator")
def mine():
    me = current_user.id
    shifts = db.session.scalars(sa.select(DutyShift).where(DutyShift.operator_id == me)
                                .order_by(DutyShift.weekday, DutyShift.starts)).all()
    exceptions = db.session.scalars(sa.select(DutyException).where(
        DutyException.operator_id == me, DutyException.last_day >= clock.now().date())
        .order_by(DutyException.first_day)).all()
    quotas = db.session.scalars(sa.select(Quota).where(Quota.operator_id == me)).all()
    load = db.session.scalar(sa.select(sa.func.count()).select_from(WorkItem).where(
        WorkItem.assignee_id == me, WorkItem.status == WorkStatus.ASSIGNED))
    return render_template("roster/mine.html", shifts=shifts, exceptions=exceptions, quotas=quotas, load=load,
                           turn=on_duty(clock.now()).get(me), kinds=sorted(kinds_served_by(me)),
                           kind_label=kind_label, weekdays=WEEKDAY_NAMES, ExceptionKind=ExceptionKind,
                           default_quota=current_app.config["STATDESK_DEFAULT_QUOTA"])
