"""Visit pages: booking and its link, reception, counters, the waiting-room board, the tablet survey, reports."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from accounts.two_factor import qr_svg
from consultation.forms import RatingForm
from consultation.ikm import ELEMENTS
from consultation.models import SCORE_COLUMNS
from core import clock
from core.errors import DomainError, flash_refusal, form_failed
from core.extensions import db, limiter
from core.forms import ActionForm, submitted
from core.permissions import roles_required
from core.timefmt import format_local
from visits import counters as counter_ops
from visits import offer, reports, services
from visits.forms import (
    BookingForm,
    ChangeForm,
    CheckInForm,
    CounterForm,
    FinishForm,
    ServeForm,
    SignInForm,
    TicketForm,
    TransferForm,
    service_choices,
)
from visits.models import Counter, Visit, VisitStatus

bp = Blueprint("visits", __name__, template_folder="templates", static_folder="static",
               static_url_path="/visits-static", url_prefix="/visits")
STAFF = ("operator", "supervisor")


def _locale() -> str:
    return str(get_locale() or "id")


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def _slot_choices(code: str, day: date | None, keep: datetime | None = None) -> list[SelectChoice]:
    if day is None or offer.service(code) is None or offer.is_closed(day):
        return []
    choices = []
    for start, free in services.free_places(code, day).items():
        if free > 0 or start == keep:
            text = format_local(start).split(" ", 1)[1]
            choices.append(SelectChoice(start.isoformat(), _("%(time)s (%(free)d free)", time=text, free=free)))
    return choices


def _slot(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value or "")
    except ValueError:
        return None


# --- booking ------------------------------------------------------------------------------------------------

@bp.route("/book", methods=["GET", "POST"])
@limiter.limit("30/hour", methods=["POST"])
def book():
    form = BookingForm()
    form.service.choices = service_choices(bookable_only=True)
    code = form.service.data or request.args.get("service") or form.service.choices[0].value
    form.service.data = code
    day = _day(form.day.data or request.args.get("day"))
    days = offer.bookable_days()
    if day is None and days:
        day = days[0]
    form.day.data = day.isoformat() if day else ""
    form.slot.choices = _slot_choices(code, day)
    closed = offer.closure_reason(day) if day and offer.is_closed(day) else ""
    context = {"days": days, "day": day, "closed": closed}
    if request.method == "GET" or not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("visits/book.html", form=form, **context), status
    user = current_user if current_user.is_authenticated else None
    data = services.BookingData(service=code, slot_start=_slot(form.slot.data), full_name=form.full_name.data or "",
                                phone=form.phone.data or "", email=form.email.data or "",
                                note=form.note.data or "", locale=_locale())
    try:
        visit = services.book(user, data)
    except DomainError as exc:
        return form_failed(exc, "visits/book.html", form=form, **context)
    flash(_("Your visit is booked."), "success")
    return redirect(url_for("visits.booking", token=services.token_for(visit)), 303)


@bp.get("/booking/<token>")
def booking(token: str):
    visit = services.visit_from_token(token)
    form = ChangeForm()
    form.slot.choices = _slot_choices(visit.service, visit.day, keep=visit.slot_start)
    change_day = _day(request.args.get("day")) or visit.day
    if change_day != visit.day:
        form.slot.choices = _slot_choices(visit.service, change_day)
    return render_template("visits/booking.html", visit=visit, token=token, form=form, action=ActionForm(),
                           days=offer.bookable_days(), change_day=change_day,
                           service=offer.service(visit.service))


@bp.get("/booking/<token>/qr.svg")
def booking_qr(token: str):
    visit = services.visit_from_token(token)
    response = Response(qr_svg(visit.code), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.post("/booking/<token>/change")
def change(token: str):
    visit = services.visit_from_token(token)
    form = ChangeForm()
    form.slot.choices = [SelectChoice(form.slot.data or "", "")]
    try:
        submitted(form)
        services.change(visit.id, _slot(form.slot.data))
    except DomainError as exc:
        flash_refusal(exc)
        return redirect(url_for("visits.booking", token=token), 303)
    flash(_("Your visit is moved."), "success")
    return redirect(url_for("visits.booking", token=token), 303)


@bp.post("/booking/<token>/cancel")
def cancel(token: str):
    visit = services.visit_from_token(token)
    try:
        submitted(ActionForm())
        services.cancel(visit.id)
    except DomainError as exc:
        flash_refusal(exc)
        return redirect(url_for("visits.booking", token=token), 303)
    flash(_("Your visit is cancelled."), "success")
    return redirect(url_for("visits.booking", token=token), 303)


# --- reception ----------------------------------------------------------------------------------------------

def _reception_page(check_in=None, ticket=None, status=200):
    check_in = check_in or CheckInForm(prefix="in")
    ticket = ticket or TicketForm(prefix="walk")
    ticket.service.choices = service_choices()
    today = offer.office_day()
    recent = db.session.scalars(sa.select(Visit).where(Visit.day == today, Visit.ticket_number.is_not(None))
                                .order_by(Visit.queued_at.desc()).limit(30)).all()
    booked = db.session.scalar(sa.select(sa.func.count()).select_from(Visit).where(
        Visit.day == today, Visit.status == VisitStatus.BOOKED))
    return render_template("visits/reception.html", check_in=check_in, ticket=ticket, recent=recent,
                           booked=booked), status


@bp.get("/reception")
@roles_required(*STAFF)
def reception():
    return _reception_page()


@bp.post("/reception/check-in")
@roles_required(*STAFF)
def check_in():
    form = CheckInForm(prefix="in")
    if not form.validate_on_submit():
        return _reception_page(check_in=form, status=400)
    try:
        visit = services.check_in(current_user, form.code.data)
    except DomainError as exc:
        flash_refusal(exc)
        return _reception_page(check_in=form, status=exc.status)
    flash(_("Checked in: ticket %(ticket)s.", ticket=visit.ticket_label), "success")
    return redirect(url_for("visits.ticket", visit_id=visit.id), 303)


@bp.post("/reception/ticket")
@roles_required(*STAFF)
def issue_ticket():
    form = TicketForm(prefix="walk")
    form.service.choices = service_choices()
    if not form.validate_on_submit():
        return _reception_page(ticket=form, status=400)
    try:
        visit = services.issue_ticket(current_user, form.service.data, form.full_name.data or "",
                                      form.phone.data or "", form.locale.data)
    except DomainError as exc:
        flash_refusal(exc)
        return _reception_page(ticket=form, status=exc.status)
    return redirect(url_for("visits.ticket", visit_id=visit.id), 303)


@bp.get("/tickets/<int:visit_id>")
@roles_required(*STAFF)
def ticket(visit_id: int):
    visit = db.session.get(Visit, visit_id)
    if visit is None or visit.ticket_label is None:
        abort(404)
    return render_template("visits/ticket.html", visit=visit, service=offer.service(visit.service))


# --- counters -----------------------------------------------------------------------------------------------

@bp.get("/counters")
@roles_required(*STAFF)
def counters():
    rows = db.session.scalars(sa.select(Counter).order_by(Counter.name)).all()
    on_duty = counter_ops.services_on_duty(current_user) if current_user.has_role("operator") else []
    return render_template("visits/counters.html", counters=rows, add_form=CounterForm(), action=ActionForm(),
                           on_duty=[offer.service(code) for code in on_duty])


@bp.post("/counters/add")
@roles_required("supervisor")
def add_counter():
    form = CounterForm()
    try:
        submitted(form)
        counter_ops.add_counter(current_user, form.name.data)
    except DomainError as exc:
        flash_refusal(exc)
    return redirect(url_for("visits.counters"), 303)


def _counter_or_404(counter_id: int) -> Counter:
    counter = db.session.get(Counter, counter_id)
    if counter is None:
        abort(404)
    return counter


@bp.get("/counters/<int:counter_id>")
@roles_required(*STAFF)
def counter(counter_id: int):
    counter = _counter_or_404(counter_id)
    visit = counter_ops.current_visit(counter)
    waiting = db.session.execute(sa.select(Visit.service, sa.func.count()).where(
        Visit.status == VisitStatus.WAITING, Visit.day == offer.office_day()).group_by(Visit.service)).all()
    serve_form = ServeForm(formdata=None, full_name=visit.full_name if visit else "",
                           phone=visit.phone if visit else "", email=visit.email if visit else "",
                           question=visit.note if visit else "")
    transfer_form = TransferForm()
    transfer_form.service.choices = [c for c in service_choices() if not visit or c.value != visit.service]
    sign_in_form = SignInForm()
    on_duty = counter_ops.services_on_duty(current_user) if current_user.has_role("operator") else []
    sign_in_form.services.choices = [SelectChoice(code, str(offer.service(code).label)) for code in on_duty]
    sign_in_form.services.data = on_duty
    tablet = url_for("visits.tablet", token=counter_ops.tablet_token(counter), _external=True)
    return render_template("visits/counter.html", counter=counter, visit=visit, action=ActionForm(),
                           serve_form=serve_form, finish_form=FinishForm(), transfer_form=transfer_form,
                           sign_in_form=sign_in_form, waiting=dict(waiting), tablet_url=tablet,
                           mine=counter.operator_id == current_user.id, offer=offer)


def _counter_action(counter_id: int, operation, done_message: str | None = None):
    _counter_or_404(counter_id)
    try:
        result = operation()
    except DomainError as exc:
        flash_refusal(exc)
        return redirect(url_for("visits.counter", counter_id=counter_id), 303)
    if done_message:
        flash(done_message, "success")
    return result or redirect(url_for("visits.counter", counter_id=counter_id), 303)


@bp.post("/counters/<int:counter_id>/sign-in")
@roles_required("operator")
def sign_in(counter_id: int):
    form = SignInForm()
    form.services.choices = [SelectChoice(s.code, s.code) for s in offer.SERVICES]

    def run():
        submitted(form)
        counter_ops.sign_in(current_user, counter_id, form.services.data or None)

    return _counter_action(counter_id, run)


@bp.post("/counters/<int:counter_id>/sign-out")
@roles_required("operator")
def sign_out(counter_id: int):
    def run():
        submitted(ActionForm())
        counter_ops.sign_out(current_user, counter_id)
        return redirect(url_for("visits.counters"), 303)

    return _counter_action(counter_id, run)


@bp.post("/counters/<int:counter_id>/call")
@roles_required("operator")
def call_next(counter_id: int):
    def run():
        submitted(ActionForm())
        if counter_ops.call_next(current_user, counter_id) is None:
            flash(_("Nobody is waiting for your services."), "info")

    return _counter_action(counter_id, run)


@bp.post("/counters/<int:counter_id>/recall")
@roles_required("operator")
def recall(counter_id: int):
    def run():
        submitted(ActionForm())
        counter_ops.recall(current_user, counter_id)

    return _counter_action(counter_id, run)


@bp.post("/counters/<int:counter_id>/no-show")
@roles_required("operator")
def no_show(counter_id: int):
    def run():
        submitted(ActionForm())
        counter_ops.no_show(current_user, counter_id)

    return _counter_action(counter_id, run, _("Marked as not come."))


@bp.post("/counters/<int:counter_id>/transfer")
@roles_required("operator")
def transfer(counter_id: int):
    form = TransferForm()
    form.service.choices = service_choices()

    def run():
        submitted(form)
        counter_ops.transfer(current_user, counter_id, form.service.data)

    return _counter_action(counter_id, run, _("Sent to the other service's queue."))


@bp.post("/counters/<int:counter_id>/serve")
@roles_required("operator")
def serve(counter_id: int):
    form = ServeForm()

    def run():
        submitted(form)
        counter_ops.serve(current_user, counter_id, counter_ops.ServeData(
            form.full_name.data or "", form.phone.data or "", form.email.data or "", form.subject.data or "",
            form.question.data or ""))

    return _counter_action(counter_id, run)


@bp.post("/counters/<int:counter_id>/finish")
@roles_required("operator")
def finish(counter_id: int):
    form = FinishForm()

    def run():
        submitted(form)
        counter_ops.finish(current_user, counter_id, form.summary.data or "", bool(form.resolved.data))

    return _counter_action(counter_id, run, _("Visit finished."))


# --- the waiting-room board ---------------------------------------------------------------------------------

def _board_rows(limit: int = 8) -> list[dict]:
    today = offer.office_day()
    rows = db.session.scalars(sa.select(Visit).where(
        Visit.day == today, Visit.status.in_(services.AT_COUNTER)).order_by(Visit.called_at.desc()).limit(limit))
    return [{"ticket": v.ticket_label, "counter": v.counter.name if v.counter else "", "calls": v.calls,
             "called": v.called_at.isoformat() if v.called_at else ""} for v in rows]


def _both(text_of) -> dict[str, str]:
    labels = {}
    for code in ("id", "en"):
        with force_locale(code):
            labels[code] = str(text_of())
    return labels


@bp.get("/board")
def board():
    labels = {"number": _both(lambda: _("Number")), "counter": _both(lambda: _("Counter")),
              "title": _both(lambda: _("Now serving")), "empty": _both(lambda: _("Please wait to be called."))}
    return render_template("visits/board.html", rows=_board_rows(), labels=labels)


@bp.get("/board.json")
def board_feed():
    response = jsonify({"called": _board_rows(), "at": clock.now().isoformat()})
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the counter's tablet -----------------------------------------------------------------------------------

@bp.get("/tablet/<token>")
def tablet(token: str):
    counter = counter_ops.counter_from_tablet_token(token)
    visit = counter_ops.survey_visit(counter)
    return render_template("visits/tablet.html", counter=counter, visit=visit, token=token, form=RatingForm(),
                           elements=list(zip(SCORE_COLUMNS, ELEMENTS, strict=True)))


@bp.get("/tablet/<token>/state.json")
def tablet_state(token: str):
    counter = counter_ops.counter_from_tablet_token(token)
    visit = counter_ops.survey_visit(counter)
    response = jsonify({"visit": visit.id if visit else None})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/tablet/<token>/rate")
def tablet_rate(token: str):
    counter = counter_ops.counter_from_tablet_token(token)
    form = RatingForm()
    visit_id = request.form.get("visit_id", type=int) or 0
    if not form.validate_on_submit():
        flash(_("Answer every question with a score from 1 to 4."), "error")
        return redirect(url_for("visits.tablet", token=token), 303)
    try:
        counter_ops.rate_visit(counter, visit_id, {column: form[column].data for column in SCORE_COLUMNS},
                            form.comment.data or "")
    except DomainError as exc:
        flash_refusal(exc)
        return redirect(url_for("visits.tablet", token=token), 303)
    flash(_("Thank you for your rating."), "success")
    return redirect(url_for("visits.tablet", token=token, thanks=1), 303)


# --- reports ------------------------------------------------------------------------------------------------

@bp.get("/reports")
@roles_required("supervisor")
def report():
    today = offer.office_day()
    first = _day(request.args.get("from")) or today - timedelta(days=6)
    last = _day(request.args.get("to")) or today
    if last < first or (last - first).days > 366:
        flash(_("Choose a period of at most one year, the first day before the last."), "error")
        first, last = today - timedelta(days=6), today
    result = reports.build(first, last)
    return render_template("visits/reports.html", report=result, chart=reports.hours_chart(result))
