"""The privacy notice, a person's requests about their data (a copy, closing the account), and the
administrators' list of such requests.  The work is in ``accounts.privacy``."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import Length, Optional

from accounts import privacy
from accounts.privacy_models import PrivacyKind, PrivacyRequest
from core.errors import DomainError, form_failed
from core.forms import EnumFilter, ListFilters
from core.pagination import paginate
from core.permissions import login_required, roles_required
from core.storage import get_storage

bp = Blueprint("privacy", __name__, template_folder="templates")


class CloseAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[Optional(), Length(max=200)])
    confirm = BooleanField(_l("I understand that my account is closed for good and I cannot sign in again"))


class ExportForm(FlaskForm):
    pass


class RequestFilters(ListFilters):
    kind = EnumFilter(enum_class=PrivacyKind)


def _office() -> dict:
    config = current_app.config
    return {"name": config["STATDESK_OFFICE_NAME"], "address": config["STATDESK_OFFICE_ADDRESS"],
            "contact": config["STATDESK_PRIVACY_CONTACT"], "retention_days": config["STATDESK_RETENTION_DAYS"],
            "export_days": config["STATDESK_PRIVACY_EXPORT_DAYS"]}


@bp.get("/privacy")
def notice():
    return render_template("accounts/privacy_notice.html", office=_office(), version=privacy.NOTICE_VERSION,
                           kept=privacy.KEPT)


@bp.post("/account/data-export")
@login_required
def export_request():
    if not ExportForm().validate_on_submit():
        flash(_("The form has expired. Please try again."), "error")
        return redirect(url_for("accounts.profile"))
    privacy.request_export(current_user._get_current_object())
    flash(_("We are preparing a copy of your data. We will e-mail you a download link when it is ready."),
          "success")
    return redirect(url_for("accounts.profile") + "#privacy")


@bp.get(privacy.EXPORT_PATH + "/<token>")
@login_required
def export_download(token: str):
    found = privacy.export_for_download(token, current_user._get_current_object())
    return send_file(get_storage().open(found.file_key), mimetype="application/zip", as_attachment=True,
                     download_name=f"data-saya-{found.completed_at:%Y%m%d}.zip", max_age=0)


@bp.route("/account/close", methods=["GET", "POST"])
@login_required
def close_account():
    form = CloseAccountForm()
    context = {"kept": privacy.KEPT, "has_password": bool(current_user.password_hash)}
    if not form.validate_on_submit():
        return render_template("accounts/close_account.html", form=form, **context), \
            400 if request.method == "POST" else 200
    user = current_user._get_current_object()
    try:
        privacy.close_account(user, form.password.data or "", form.confirm.data)
    except DomainError as exc:
        return form_failed(exc, "accounts/close_account.html", form=form, **context)
    logout_user()  # closing changed the session token: no other session of the account survives either
    return render_template("accounts/account_closed.html", kept=privacy.KEPT)


@bp.get("/admin/privacy")
@roles_required("admin")
def requests():
    kind = RequestFilters.read(request.args).kind
    query = privacy.requests_page_query()
    if kind.data is not None:
        query = query.where(PrivacyRequest.kind == kind.data)
    return render_template("accounts/privacy_requests.html", page=paginate(query), kind=kind.value,
                           kinds=list(PrivacyKind))
