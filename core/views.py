"""Core pages: language switch, the administrators' outbox and audit log (health checks: ``core.health``)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user

from core.extensions import db
from core.forms import EnumFilter, ListFilters
from core.models import AuditEntry, OutboxMessage, OutboxStatus
from core.navigation import REMEMBER_LANGUAGE
from core.pagination import paginate
from core.permissions import roles_required
from core.urls import is_safe_redirect
from core.web import LOCALES

bp = Blueprint("core", __name__, template_folder="templates", static_folder="static",
               static_url_path="/core/static")


@bp.get("/language/<code>")
def set_language(code: str):
    if code in LOCALES:
        session["lang"] = code
        if current_user.is_authenticated and REMEMBER_LANGUAGE.is_set():
            REMEMBER_LANGUAGE.get()(current_user._get_current_object(), code)
    target = request.args.get("next")
    return redirect(target if is_safe_redirect(target) else url_for("core.index"))


@bp.get("/")
def index():
    return render_template("core/index.html")


class OutboxFilters(ListFilters):
    status = EnumFilter(enum_class=OutboxStatus)


@bp.get("/admin/outbox")
@roles_required("admin")
def outbox():
    status = OutboxFilters.read(request.args).status
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status.data is not None:
        query = query.where(OutboxMessage.status == status.data)
    page = paginate(query)
    return render_template("core/outbox.html", page=page, status=status.value, statuses=list(OutboxStatus))


@bp.get("/admin/outbox/<int:message_id>")
@roles_required("admin")
def outbox_message(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template("core/outbox_message.html", message=message)


@bp.get("/admin/audit")
@roles_required("admin", "supervisor")
def audit_log():
    """The audit trail, newest first, filtered by action, object and actor."""
    filters = {key: request.args.get(key, "").strip()[:120] for key in ("action", "object_type", "object_id", "actor")}
    query = sa.select(AuditEntry).order_by(AuditEntry.id.desc())
    if filters["action"]:
        query = query.where(AuditEntry.action.startswith(filters["action"], autoescape=True))
    if filters["object_type"]:
        query = query.where(AuditEntry.object_type == filters["object_type"])
    if filters["object_id"]:
        query = query.where(AuditEntry.object_id == filters["object_id"])
    if filters["actor"]:
        query = query.where(AuditEntry.actor_label.contains(filters["actor"], autoescape=True))
    page = paginate(query)
    return render_template("core/audit.html", page=page, filters=filters)
