"""Personal access tokens on the account page, and the administrators' list of every token."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts import api_tokens
from core.errors import DomainError, flash_refusal
from core.pagination import requested_page
from core.permissions import login_required, roles_required

bp = Blueprint("api_tokens", __name__, template_folder="templates")


@bp.post("/account/tokens")
@login_required
def create():
    user = current_user._get_current_object()
    try:
        days = int(request.form.get("days", "0"))
    except ValueError:
        days = 0
    try:
        row, token = api_tokens.create(user, request.form.get("name", ""), request.form.getlist("scopes"), days)
    except DomainError as exc:
        flash_refusal(exc)
        return redirect(url_for("accounts.profile") + "#api-tokens")
    # Shown on this answer only: it is not kept anywhere but as a hash.
    return render_template("accounts/token_created.html", row=row, token=token), 201, {"Cache-Control": "no-store"}


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    row = api_tokens.revoke(current_user._get_current_object(), token_id)
    flash(_("The token “%(name)s” was revoked.", name=row.name), "success")
    if request.form.get("back") == "admin" and current_user.has_role("admin"):
        return redirect(url_for("api_tokens.admin_list"))
    return redirect(url_for("accounts.profile") + "#api-tokens")


@bp.get("/admin/tokens")
@roles_required("admin")
def admin_list():
    page = api_tokens.all_tokens(requested_page(), current_app.config["STATDESK_PAGE_SIZE"])
    return render_template("accounts/admin_tokens.html", page=page)
