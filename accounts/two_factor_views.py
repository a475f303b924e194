"""Two-factor pages: the code step of a sign-in, enrolment with its QR code, recovery codes,
turning an optional factor off, and the administrators' reset."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts import second_step, two_factor
from accounts.forms import SecondStepForm
from accounts.models import User
from accounts.two_factor import Step
from core.errors import DomainError, form_failed
from core.extensions import db, limiter
from core.permissions import login_required, roles_required

bp = Blueprint("two_factor", __name__, template_folder="templates")


@dataclass(frozen=True)
class FactorState:
    """What the account and administration pages show about a user's second factor."""

    confirmed_at: datetime | None
    required: bool
    recovery_codes_left: int


@bp.app_template_global()
def second_factor_state(user: User) -> FactorState:
    factor = two_factor.factor_of(user)
    confirmed = factor is not None and factor.confirmed
    return FactorState(confirmed_at=factor.confirmed_at if confirmed else None,
                       required=two_factor.required_for(user, factor),
                       recovery_codes_left=two_factor.remaining_recovery_codes(user) if confirmed else 0)


def _address() -> str:
    return request.remote_addr or ""


def _refused(exc: DomainError, template: str, **context):
    return form_failed(exc, template, **context)


@bp.route("/login/two-factor", methods=["GET", "POST"])
@limiter.limit("30/minute", methods=["POST"])
def verify():
    waiting = second_step.held()
    if waiting is None:
        return redirect(url_for("accounts.login"))
    user, step = waiting
    if step is not Step.VERIFY:
        return redirect(url_for("two_factor.setup"))
    form = SecondStepForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("accounts/second_step.html", form=form), status
    try:
        way = two_factor.verify(user, form.code.data, _address())
    except DomainError as exc:
        return _refused(exc, "accounts/second_step.html", form=form)
    target = second_step.complete(user)
    if way == "recovery":
        flash(_("You signed in with a recovery code, which now no longer works. Recovery codes left: %(n)d.",
                n=two_factor.remaining_recovery_codes(user)), "warning")
    return redirect(target)


@bp.post("/login/two-factor/cancel")
def cancel():
    second_step.cancel()
    return redirect(url_for("accounts.login"))


def _enrolling() -> tuple[User, Step | None] | None:
    """The user setting up a factor, with the step their sign-in is held for (``None`` when signed in)."""
    waiting = second_step.held()
    if waiting is not None:
        return waiting
    if current_user.is_authenticated:
        return current_user._get_current_object(), None
    return None


@bp.route("/account/two-factor", methods=["GET", "POST"])
@limiter.limit("30/minute", methods=["POST"])
def setup():
    enrolling = _enrolling()
    if enrolling is None:
        return redirect(url_for("accounts.login"))
    user, held_for = enrolling
    if held_for is Step.VERIFY:
        return redirect(url_for("two_factor.verify"))
    held = held_for is Step.ENROL
    try:
        factor = two_factor.begin_enrolment(user)
    except DomainError as exc:
        flash(exc.message, "info")
        return redirect(url_for("accounts.profile"))
    form = SecondStepForm()
    context = {"form": form, "held": held, "secret": factor.secret,
               "required": two_factor.required_for(user, factor)}
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("accounts/second_factor_setup.html", **context), status
    try:
        codes = two_factor.confirm_enrolment(user, form.code.data, _address())
    except DomainError as exc:
        return _refused(exc, "accounts/second_factor_setup.html", **context)
    if held:
        target = second_step.complete(user)
    else:
        second_step.mark_passed()
        target = url_for("accounts.profile")
    return _recovery_codes_page(codes, target)


@bp.get("/account/two-factor/qr.svg")
def qr():
    """The QR code of the factor being set up, drawn here: the secret never leaves the site."""
    enrolling = _enrolling()
    factor = two_factor.factor_of(enrolling[0]) if enrolling else None
    if factor is None or factor.confirmed or not factor.secret:
        return Response(status=404)
    uri = two_factor.provisioning_uri(enrolling[0], factor, current_app.config["STATDESK_SITE_NAME"])
    return Response(two_factor.qr_svg(uri), mimetype="image/svg+xml",
                    headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


def _recovery_codes_page(codes: list[str], target: str):
    response = current_app.make_response(render_template("accounts/recovery_codes.html", codes=codes, target=target))
    response.headers["Cache-Control"] = "no-store"
    return response


def _code_on_profile(action):
    form = SecondStepForm()
    if not form.validate_on_submit():
        flash(_("Enter the current code from your authenticator app."), "error")
        return redirect(url_for("accounts.profile"))
    try:
        return action(form.code.data)
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for("accounts.profile"))


@bp.post("/account/two-factor/recovery-codes")
@login_required
@limiter.limit("30/minute")
def renew_recovery_codes():
    user = current_user._get_current_object()

    def renew(code):
        codes = two_factor.regenerate_recovery_codes(user, code, _address())
        return _recovery_codes_page(codes, url_for("accounts.profile"))

    return _code_on_profile(renew)


@bp.post("/account/two-factor/disable")
@login_required
@limiter.limit("30/minute")
def disable():
    user = current_user._get_current_object()

    def turn_off(code):
        two_factor.disable(user, code, _address())
        flash(_("Two-factor sign-in is turned off."), "success")
        return redirect(url_for("accounts.profile"))

    return _code_on_profile(turn_off)


@bp.post("/admin/users/<int:user_id>/two-factor/reset")
@roles_required("admin")
def admin_reset(user_id: int):
    user = db.get_or_404(User, user_id)
    two_factor.reset_by_admin(current_user._get_current_object(), user)
    if user.id == current_user.id:
        return redirect(url_for("accounts.login"))
    flash(_("Two-factor sign-in of %(email)s was reset: they set it up again at their next sign-in.",
            email=user.email), "success")
    return redirect(url_for("accounts.admin_user_edit", user_id=user.id))
