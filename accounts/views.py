"""Sign-in, registration, password reset, profile, role homes and user administration."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from accounts import admin as admin_services
from accounts import privacy, second_step, services, sso
from accounts.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegistrationForm,
    ResendForm,
    ResetPasswordForm,
    UserAdminForm,
    UserFilters,
)
from accounts.login import authenticate, end_sessions
from accounts.models import Role, Segment, User
from accounts.second_step import start_session  # noqa: F401 - the sign-in used by sso_views
from accounts.services import ProfileData
from core.errors import DomainError, form_failed
from core.extensions import db, limiter, login_manager
from core.models import OutboxMessage, OutboxStatus
from core.navigation import links_for
from core.pagination import requested_page
from core.permissions import login_required, roles_required
from core.urls import is_safe_redirect, safe_next

bp = Blueprint("accounts", __name__, template_folder="templates")

# The order in which a user holding several roles is sent to a home page.
HOME_ORDER = (Role.ADMIN, Role.SUPERVISOR, Role.FINANCE, Role.OPERATOR, Role.PRODUCER, Role.CONSUMER)


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.session_token == session_token, User.active.is_(True)))


def _form_error(form, exc: DomainError, template: str, **context):
    return form_failed(exc, template, form=form, **context)


def _invalid(form, template: str, **context):
    """Re-render a form that failed validation, answering 400 after a POST."""
    status = 400 if request.method == "POST" else 200
    return render_template(template, form=form, **context), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("30/minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.home"))
    form = LoginForm()
    if not form.validate_on_submit():
        return _invalid(form, "accounts/login.html", providers=sso.providers().values())
    try:
        user = authenticate(form.email.data, form.password.data, request.remote_addr or "")
    except DomainError as exc:
        return _form_error(form, exc, "accounts/login.html", providers=sso.providers().values())
    return second_step.sign_in(user, remember=form.remember.data, target=safe_next("accounts.home"))


@bp.post("/logout")
@login_required
def logout():
    provider_logout = sso.provider_logout_url(session.get(sso.SESSION_KEY))
    end_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    if provider_logout:
        return redirect(provider_logout)
    flash(_("You have signed out."), "info")
    return redirect(url_for("core.index"))


def _profile_data(form) -> ProfileData:
    return ProfileData(full_name=form.full_name.data or "", segment=Segment(form.segment.data),
                       institution=form.institution.data or "", phone=form.phone.data or "",
                       npwp=form.npwp.data or "", locale=form.locale.data)


def _safe_next_or_empty() -> str:
    """The request's ``next`` when it is a safe local address, else ""."""
    target = request.values.get("next")
    return target if is_safe_redirect(target) else ""


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("20/hour", methods=["POST"])
def register():
    form = RegistrationForm()
    if not form.validate_on_submit():
        return _invalid(form, "accounts/register.html")
    try:
        user = services.register_consumer(form.email.data, form.password.data, _profile_data(form),
                                          notice_version=privacy.NOTICE_VERSION, next_page=_safe_next_or_empty())
    except DomainError as exc:
        return _form_error(form, exc, "accounts/register.html")
    return render_template("accounts/check_email.html", email=user.email), 201


@bp.route("/verify/<token>", methods=["GET", "POST"])
def verify_email(token: str):
    if request.method == "GET":
        return render_template("accounts/verify.html", token=token)
    # The POST carries the CSRF token; link scanners that only GET change nothing.
    try:
        services.verify_email(token)
    except DomainError as exc:
        return render_template("accounts/token_problem.html", message=exc.message), exc.status
    flash(_("Thank you, your e-mail address is confirmed. You can sign in now."), "success")
    return redirect(url_for("accounts.login", next=_safe_next_or_empty() or None))


@bp.route("/verify/resend", methods=["GET", "POST"])
@limiter.limit("10/hour", methods=["POST"])
def resend_verification():
    form = ResendForm()
    if not form.validate_on_submit():
        return _invalid(form, "accounts/resend.html")
    services.resend_verification(form.email.data)
    return render_template("accounts/check_email.html", email=form.email.data)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("10/hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return _invalid(form, "accounts/forgot.html")
    services.request_password_reset(form.email.data)
    return render_template("accounts/check_email.html", email=form.email.data, reset=True)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("20/hour", methods=["POST"])
def reset_password(token: str):
    try:
        services.check_reset_token(token)
    except DomainError as exc:
        return render_template("accounts/token_problem.html", message=exc.message), exc.status
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        return _invalid(form, "accounts/reset.html")
    try:
        services.reset_password(token, form.password.data)
    except DomainError as exc:
        return _form_error(form, exc, "accounts/reset.html")
    flash(_("Your password has been changed. Sign in with the new password."), "success")
    return redirect(url_for("accounts.login"))


@bp.get("/home")
@login_required
def home():
    for role in HOME_ORDER:
        if current_user.has_role(role):
            return redirect(url_for(HOME_ENDPOINTS[role]))
    return abort(403)


def _role_home(role: Role):
    context = {"role": role, "links": links_for({role.value}),
               "other_roles": [(r, HOME_ENDPOINTS[r]) for r in HOME_ORDER
                               if r is not role and current_user.has_role(r)]}
    if role is Role.ADMIN:
        context["user_count"] = db.session.scalar(sa.select(sa.func.count(User.id)))
        context["held_mail"] = db.session.scalar(
            sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.status != OutboxStatus.SENT))
    return render_template("accounts/role_home.html", **context)


# One page per role, each written out so that its endpoint can be found by grep.
HOME_ENDPOINTS = {
    Role.CONSUMER: "accounts.home_consumer",
    Role.OPERATOR: "accounts.home_operator",
    Role.PRODUCER: "accounts.home_producer",
    Role.SUPERVISOR: "accounts.home_supervisor",
    Role.FINANCE: "accounts.home_finance",
    Role.ADMIN: "accounts.home_admin",
}


@bp.get("/home/consumer")
@roles_required("consumer")
def home_consumer():
    return _role_home(Role.CONSUMER)


@bp.get("/home/operator")
@roles_required("operator")
def home_operator():
    return _role_home(Role.OPERATOR)


@bp.get("/home/producer")
@roles_required("producer")
def home_producer():
    return _role_home(Role.PRODUCER)


@bp.get("/home/supervisor")
@roles_required("supervisor")
def home_supervisor():
    return _role_home(Role.SUPERVISOR)


@bp.get("/home/finance")
@roles_required("finance")
def home_finance():
    return _role_home(Role.FINANCE)


@bp.get("/home/admin")
@roles_required("admin")
def home_admin():
    return _role_home(Role.ADMIN)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    user = current_user._get_current_object()
    form = ProfileForm(obj=user.profile, full_name=user.full_name, locale=user.locale)
    if request.method == "GET" and user.profile:
        form.segment.data = user.profile.segment.value
    password_form = ChangePasswordForm(prefix="pw")
    if not form.validate_on_submit():
        return _invalid(form, "accounts/profile.html", password_form=password_form)
    try:
        services.update_profile(user, _profile_data(form))
    except DomainError as exc:
        return _form_error(form, exc, "accounts/profile.html", password_form=password_form)
    session["lang"] = user.locale
    flash(_("Your profile has been saved."), "success")
    return redirect(url_for("accounts.profile"))


@bp.post("/account/password")
@login_required
def change_password():
    user = current_user._get_current_object()
    password_form = ChangePasswordForm(prefix="pw")
    form = ProfileForm(obj=user.profile, full_name=user.full_name, locale=user.locale)
    if not password_form.validate_on_submit():
        return render_template("accounts/profile.html", form=form, password_form=password_form), 400
    try:
        services.change_password(user, password_form.current.data, password_form.password.data)
    except DomainError as exc:
        return form_failed(exc, "accounts/profile.html", form=form, password_form=password_form)
    login_user(user)  # the session token rotated: keep this browser signed in
    flash(_("Your password has been changed."), "success")
    return redirect(url_for("accounts.profile"))


@bp.get("/admin/users")
@roles_required("admin")
def admin_users():
    filters = UserFilters.read(request.args)
    text, role = filters.q.value, filters.role.value
    page = admin_services.search_users(text, role, requested_page(),
                                       current_app.config["STATDESK_PAGE_SIZE"])
    return render_template("accounts/admin_users.html", page=page, roles=list(Role), q=text, role=role)


def _roles_from(form) -> set[Role]:
    return {Role(value) for value in form.roles.data or [] if value in {r.value for r in Role}}


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required("admin")
def admin_user_new():
    form = UserAdminForm()
    if not form.validate_on_submit():
        return _invalid(form, "accounts/admin_user_form.html", user=None)
    try:
        user = admin_services.create_user(current_user, form.email.data, form.full_name.data, _roles_from(form),
                                          form.unit.data or "", Segment(form.segment.data), form.institution.data or "")
    except DomainError as exc:
        return _form_error(form, exc, "accounts/admin_user_form.html", user=None)
    flash(_("The account was created and an invitation was sent to %(email)s.", email=user.email), "success")
    return redirect(url_for("accounts.admin_users"))


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def admin_user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserAdminForm(obj=user)
    if request.method == "GET":
        form.roles.data = user.role_names()
        form.segment.data = user.segment.value if user.segment else Segment.PUBLIC.value
    del form.email, form.segment, form.institution
    if not form.validate_on_submit():
        return _invalid(form, "accounts/admin_user_form.html", user=user)
    try:
        admin_services.update_user(current_user, user, form.full_name.data, _roles_from(form),
                                   form.unit.data or "", form.active.data)
    except DomainError as exc:
        return _form_error(form, exc, "accounts/admin_user_form.html", user=user)
    flash(_("The account was saved."), "success")
    return redirect(url_for("accounts.admin_users"))
