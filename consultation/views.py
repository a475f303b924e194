"""Consumers' requests, the operators' desk, on-behalf entry and the satisfaction report."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from accounts.models import Segment
from consultation import complaints, services
from consultation.forms import (
    CallForm,
    ComplaintHandlingForm,
    DeskFilters,
    EnterOnBehalfForm,
    InternalNoteForm,
    NoteForm,
    RatingForm,
    ReassignForm,
    ReplyForm,
    RequestForm,
)
from consultation.ikm import ELEMENTS
from consultation.models import (
    SCORE_COLUMNS,
    Attachment,
    CallOutcome,
    Channel,
    ComplaintAbout,
    ComplaintCause,
    RequestKind,
    Status,
    Ticket,
)
from consultation.panels import panels_for
from consultation.people import PersonData
from consultation.permissions import QUEUED, can_answer, is_requester, is_supervisor, visible_filter
from consultation.quality import satisfaction_index
from consultation.services import RequestData
from consultation.sla import current_clock
from consultation.states import OPEN, TRANSITIONS
from core import clock
from core.errors import DomainError, flash_refusal, form_failed
from core.extensions import db, limiter
from core.pagination import paginate
from core.permissions import login_required, roles_required
from core.storage import get_storage
from roster import services as roster_services
from roster.duty import kinds_served_by

bp = Blueprint("consultation", __name__, template_folder="templates", url_prefix="/consultations")


def _submitter_key() -> str:
    return f"user:{current_user.get_id()}" if current_user.is_authenticated else (request.remote_addr or "")


def _request_data(form) -> RequestData:
    kind = RequestKind(form.kind.data)
    about = form.complaint_about.data
    return RequestData(kind=kind, subject=form.subject.data or "", question=form.question.data or "",
                       catalog_item_id=form.catalog_item_id.data,
                       complaint_about=ComplaintAbout(about) if about else None,
                       complaint_reference=form.complaint_reference.data or "",
                       files=request.files.getlist(form.files.name))


def _ticket_or_404(number: str) -> Ticket:
    ticket = services.get_visible(current_user, number)
    if ticket is None:
        abort(404)
    return ticket


def _page(query):
    return paginate(query)


@bp.get("/")
@login_required
def index():
    page = _page(sa.select(Ticket).where(Ticket.requester_id == current_user.id).order_by(Ticket.id.desc()))
    return render_template("consultation/index.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
@login_required
@limiter.limit("5/minute;30/day", methods=["POST"], key_func=_submitter_key)
def new():
    form = RequestForm()
    if request.method == "GET" and request.args.get("item", "").isdigit():
        form.catalog_item_id.data = int(request.args["item"])
    if request.method == "GET" and (asked := request.args.get("q", "").strip()):
        # From a search that found nothing: what the person looked for starts their question (kept through
        # signing in or registering, which carry this address as ``next``).
        form.subject.data = form.subject.data or asked[:200]
        form.question.data = form.question.data or asked[:10000]
    if not form.validate_on_submit():
        return render_template("consultation/new.html", form=form), 400 if request.method == "POST" else 200
    try:
        ticket = services.open_request(current_user._get_current_object(), _request_data(form))
    except DomainError as exc:
        return form_failed(exc, "consultation/new.html", form=form)
    flash(_("Your request %(number)s has been received.", number=ticket.number), "success")
    return redirect(url_for("consultation.detail", number=ticket.number))


def _handling_form(ticket: Ticket) -> ComplaintHandlingForm | None:
    if not ticket.is_complaint:
        return None
    form = ComplaintHandlingForm()
    if ticket.handling is not None and not form.is_submitted():
        handling = ticket.handling
        form.cause.data, form.corrective_action.data = handling.cause.value, handling.corrective_action
        form.referred_unit.data, form.follow_up_due.data = handling.referred_unit, handling.follow_up_due
    return form


@bp.get("/<number>")
@login_required
def detail(number: str):
    ticket = _ticket_or_404(number)
    user = current_user
    reassign_form = None
    if is_supervisor(user) and ticket.status in OPEN:
        reassign_form = ReassignForm()
        reassign_form.operator_id.choices = _reassign_choices(ticket)
    return render_template(
        "consultation/detail.html", ticket=ticket, reply_form=ReplyForm(), note_form=NoteForm(),
        handling_form=_handling_form(ticket), internal_note_form=InternalNoteForm(), call_form=CallForm(),
        rating_form=RatingForm(), reassign_form=reassign_form, open_statuses=OPEN, Status=Status,
        transitions=TRANSITIONS, staff=can_answer(user, ticket) and not is_requester(user, ticket),
        requester=is_requester(user, ticket), elements=list(zip(SCORE_COLUMNS, ELEMENTS, strict=True)),
        panels=panels_for(ticket) if user.is_staff else [],
        staff_view=user.is_staff and not is_requester(user, ticket)
        and (user.has_role("operator") or user.has_role("supervisor")))


def _act(number: str, action):
    ticket = _ticket_or_404(number)
    try:
        action(ticket)
    except DomainError as exc:
        flash_refusal(exc)
        return redirect(url_for("consultation.detail", number=number)), 303
    return redirect(url_for("consultation.detail", number=number))


@bp.post("/<number>/reply")
@login_required
def reply(number: str):
    form = ReplyForm()
    if not form.validate_on_submit():
        ticket = _ticket_or_404(number)
        flash(_("Write a message of at most 10,000 characters."), "error")
        return redirect(url_for("consultation.detail", number=ticket.number)), 303
    files = request.files.getlist(form.files.name)
    result = _act(number, lambda t: services.reply(current_user, t, form.body.data, files, form.ask_consumer.data))
    if not isinstance(result, tuple):
        flash(_("Message sent."), "success")
    return result


def _note() -> str:
    form = NoteForm()
    return (form.note.data or "") if form.validate_on_submit() else ""


@bp.post("/<number>/resolve")
@login_required
def resolve(number: str):
    return _act(number, lambda t: services.resolve(current_user, t, _note()))


@bp.post("/<number>/close")
@login_required
def close(number: str):
    return _act(number, lambda t: services.close(current_user, t, _note()))


@bp.post("/<number>/reopen")
@login_required
def reopen(number: str):
    return _act(number, lambda t: services.reopen(current_user, t, _note()))


@bp.post("/<number>/rate")
@login_required
def rate(number: str):
    form = RatingForm()
    if not form.validate_on_submit():
        _ticket_or_404(number)
        flash(_("Answer every question with a score from 1 to 4."), "error")
        return redirect(url_for("consultation.detail", number=number)), 303
    scores = {column: getattr(form, column).data for column in SCORE_COLUMNS}
    result = _act(number, lambda t: services.rate(current_user, t, scores, form.comment.data or ""))
    if not isinstance(result, tuple):
        flash(_("Thank you for your rating."), "success")
    return result


@bp.post("/<number>/complaint")
@roles_required("operator", "supervisor")
def complaint_handling(number: str):
    form = ComplaintHandlingForm()
    if not form.validate_on_submit():
        flash(_("Choose the cause of the complaint."), "error")
        return redirect(url_for("consultation.detail", number=number)), 303
    data = complaints.HandlingData(cause=ComplaintCause(form.cause.data),
                                   corrective_action=form.corrective_action.data or "",
                                   referred_unit=form.referred_unit.data or "", follow_up_due=form.follow_up_due.data,
                                   message=form.message.data or "")
    result = _act(number, lambda t: complaints.record_handling(current_user, t, data))
    if not isinstance(result, tuple):
        flash(_("The handling of the complaint is recorded."), "success")
    return result


@bp.post("/<number>/calls/<int:callback_id>")
@roles_required("operator", "supervisor")
def record_call(number: str, callback_id: int):
    form = CallForm()
    if not form.validate_on_submit():
        flash(_("Say how the call went."), "error")
        return redirect(url_for("consultation.detail", number=number)), 303
    return _act(number, lambda t: services.record_call(current_user, t, callback_id, CallOutcome(form.outcome.data),
                                                       form.note.data or ""))


@bp.post("/<number>/notes")
@roles_required("operator", "supervisor")
def add_note(number: str):
    form = InternalNoteForm()
    if not form.validate_on_submit():
        flash(_("Write a note of 2 to 4,000 characters."), "error")
        return redirect(url_for("consultation.detail", number=number)), 303
    return _act(number, lambda t: complaints.add_note(current_user, t, form.body.data))


def _reassign_choices(ticket: Ticket) -> list[SelectChoice]:
    """Operators who can take the ticket (they serve its kind and are not away), with their load."""
    item = services.work_item(ticket)
    return [SelectChoice(c.operator.id, c.label())
            for c in roster_services.reassign_candidates(item.kind if item else None, exclude=ticket.assignee_id)]


@bp.post("/<number>/reassign")
@roles_required("supervisor")
def reassign(number: str):
    ticket = _ticket_or_404(number)
    form = ReassignForm()
    form.operator_id.choices = _reassign_choices(ticket)
    item = services.work_item(ticket)
    if not form.validate_on_submit() or item is None:
        flash(_("Choose an operator."), "error")
        return redirect(url_for("consultation.detail", number=number)), 303
    try:
        roster_services.reassign(current_user, item.id, form.operator_id.data)
    except DomainError as exc:
        flash_refusal(exc)
        return redirect(url_for("consultation.detail", number=number)), 303
    flash(_("Reassigned."), "success")
    return redirect(url_for("consultation.detail", number=number))


@bp.get("/<number>/files/<int:attachment_id>")
@login_required
def attachment(number: str, attachment_id: int):
    ticket = _ticket_or_404(number)
    file = db.session.get(Attachment, attachment_id)
    if file is None or file.ticket_id != ticket.id:
        abort(404)
    response = send_file(get_storage().open(file.storage_key), mimetype=file.content_type, as_attachment=True,
                         download_name=file.filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/desk")
@roles_required("operator", "supervisor")
def desk():
    user = current_user
    status = DeskFilters.read(request.args).status
    due = sa.case((Ticket.status == Status.WAITING, None), (Ticket.first_response_at.is_(None), Ticket.response_due_at),
                  else_=Ticket.resolution_due_at)
    by_deadline = (due.is_(None), due, Ticket.id)
    mine = sa.select(Ticket).where(Ticket.assignee_id == user.id, Ticket.status.in_(OPEN)).order_by(*by_deadline)
    kinds = [RequestKind(k) for k in kinds_served_by(user.id) if k in {kind.value for kind in RequestKind}]
    queue = sa.select(Ticket).where(Ticket.assignee_id.is_(None), Ticket.status.in_(QUEUED))
    if not is_supervisor(user):
        queue = queue.where(Ticket.kind.in_(kinds))
    everything = None
    if is_supervisor(user):
        query = sa.select(Ticket).where(visible_filter(user)).order_by(Ticket.id.desc())
        if status.data is not None:
            query = query.where(Ticket.status == status.data)
        everything = _page(query)
    return render_template("consultation/desk.html", mine=db.session.scalars(mine.limit(200)).all(),
                           queue=db.session.scalars(queue.order_by(*by_deadline).limit(200)).all(),
                           everything=everything, status=status.value, statuses=list(Status), now=clock.now(),
                           current_clock=current_clock)


@bp.route("/desk/enter", methods=["GET", "POST"])
@roles_required("operator")
def enter():
    form = EnterOnBehalfForm()
    if not form.validate_on_submit():
        return render_template("consultation/enter.html", form=form), 400 if request.method == "POST" else 200
    person = PersonData(full_name=form.full_name.data or "", email=form.email.data or "",
                        phone=form.phone.data or "", segment=Segment(form.segment.data),
                        institution=form.institution.data or "")
    channel = Channel(form.channel.data)
    letter = None
    if channel is Channel.LETTER:
        letter = services.LetterData(received_on=form.received_on.data, postal_address=form.postal_address.data or "",
                                     reference=form.letter_reference.data or "", letter_date=form.letter_date.data,
                                     sender_organisation=form.institution.data or "")
    entry = services.DeskEntry(channel, letter=letter, handle_myself=form.handle_myself.data,
                               over_quota_reason=form.over_quota_reason.data or "")
    try:
        ticket = services.enter_on_behalf(current_user, person, _request_data(form), entry)
    except DomainError as exc:
        return form_failed(exc, "consultation/enter.html", form=form)
    flash(_("Request %(number)s recorded.", number=ticket.number), "success")
    return redirect(url_for("consultation.detail", number=ticket.number))


@bp.get("/quality")
@roles_required("supervisor")
def quality():
    return render_template("consultation/quality.html", result=satisfaction_index(), elements=ELEMENTS)
