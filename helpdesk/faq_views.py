"""Public FAQ pages, the suggestions the consultation form asks for, and the staff's FAQ editor."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from consultation.models import Ticket
from core.errors import DomainError, NotFound, form_failed
from core.extensions import db, limiter
from core.pagination import paginate
from core.permissions import roles_required
from helpdesk import faq, services
from helpdesk.models import CATEGORIES, FaqEntry

public = Blueprint("faq", __name__, template_folder="templates", static_folder="static",
                   static_url_path="/static", url_prefix="/faq")
staff = Blueprint("faq_staff", __name__, template_folder="templates", url_prefix="/helpdesk/faq")


def _locale() -> str:
    return str(get_locale() or "id")


@public.get("/")
def index():
    query = sa.select(FaqEntry).where(FaqEntry.published.is_(True)).order_by(FaqEntry.category, FaqEntry.id)
    category = request.args.get("category", "")
    if category in CATEGORIES:
        query = query.where(FaqEntry.category == category)
    return render_template("helpdesk/faq/index.html", page=paginate(query), categories=CATEGORIES,
                           category=category, locale=_locale())


@public.get("/<int:entry_id>")
def entry(entry_id: int):
    return render_template("helpdesk/faq/entry.html", entry=faq.published_entry(entry_id), locale=_locale())


@public.get("/suggest")
@limiter.limit("60/minute")
def suggest():
    text = request.args.get("q", "")[:300]
    locale = _locale()
    return jsonify(suggestions=[{"question": e.question(locale), "url": url_for("faq.entry", entry_id=e.id)}
                                for e in faq.suggestions(text, locale)])


@staff.get("/")
@roles_required(*faq.EDITORS)
def manage():
    query = sa.select(FaqEntry).order_by(FaqEntry.published, FaqEntry.updated_at.desc())
    return render_template("helpdesk/faq/manage.html", page=paginate(query), locale=_locale())


@staff.post("/promote-thread/<int:thread_id>")
@roles_required(*faq.EDITORS)
def promote_thread(thread_id: int):
    thread = services.visible_thread(thread_id, current_user)
    created = faq.promote_thread(current_user, thread)
    flash(_("Draft FAQ entry created: edit both languages, then publish it."), "success")
    return redirect(url_for("faq_staff.edit", entry_id=created.id))


@staff.post("/promote-request")
@roles_required(*faq.EDITORS)
def promote_request():
    number = request.form.get("number", "").strip()
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number)) if number else None
    if ticket is None:
        raise NotFound(_("No request has the number %(number)s.", number=number or "-"))
    created = faq.promote_ticket(current_user, ticket)
    flash(_("Draft FAQ entry created: edit both languages, then publish it."), "success")
    return redirect(url_for("faq_staff.edit", entry_id=created.id))


@staff.route("/<int:entry_id>", methods=["GET", "POST"])
@roles_required(*faq.EDITORS)
def edit(entry_id: int):
    found = db.get_or_404(FaqEntry, entry_id)
    if request.method == "POST":
        form = request.form
        try:
            faq.edit(current_user, found, category=form.get("category", ""), question_id=form.get("question_id", ""),
                     question_en=form.get("question_en", ""), answer_id=form.get("answer_id", ""),
                     answer_en=form.get("answer_en", ""), published=form.get("published") == "1")
        except DomainError as exc:
            return form_failed(exc, "helpdesk/faq/edit.html", form=form, entry=found, categories=CATEGORIES)
        flash(_("FAQ entry saved."), "success")
        return redirect(url_for("faq_staff.edit", entry_id=found.id))
    return render_template("helpdesk/faq/edit.html", entry=found, form=None, categories=CATEGORIES)
