"""Internal forum pages (staff only) and the operators' console."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.validators import NumberRange, Optional

from core import clock
from core.extensions import db
from core.fields import BoundedIntegerField
from core.forms import ChoiceFilter, ListFilters, TextFilter
from core.pagination import paginate
from core.permissions import roles_required
from helpdesk import console as console_data
from helpdesk import services
from helpdesk.models import CATEGORIES, ForumSubscription, ForumThread
from roster import services as roster_services
from roster.duty import kinds_served_by, on_duty
from roster.kinds import known_kinds
from roster.worklist import MARKS, WorkFilters, rows_for, work_query

bp = Blueprint("helpdesk", __name__, template_folder="templates", url_prefix="/helpdesk")

STAFF = ("operator", "producer", "supervisor", "finance", "admin")
MARK_LABELS = {"escalated": _l("Escalated"), "overdue": _l("Overdue"), "due-soon": _l("Due soon"),
               "queued": _l("Waiting in the queue"), "mine": _l("Held by me")}


class ForumFilters(ListFilters):
    category = ChoiceFilter(values=CATEGORIES)
    q = TextFilter()


@bp.get("/forum")
@roles_required(*STAFF)
def forum():
    services.require_staff(current_user)
    query = sa.select(ForumThread).order_by(ForumThread.last_post_at.desc())
    filters = ForumFilters.read(request.args)
    category, text = filters.category.value, filters.q.value
    if category:
        query = query.where(ForumThread.category == category)
    if text:
        query = query.where(ForumThread.title.ilike(f"%{text}%"))
    page = paginate(query)
    return render_template("helpdesk/forum.html", page=page, categories=CATEGORIES, category=category, q=text)


@bp.route("/forum/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_thread():
    ticket_id = request.values.get("ticket_id", type=int)
    if request.method == "POST":
        thread = services.start_thread(current_user, request.form.get("category", ""),
                                       request.form.get("title", ""), request.form.get("body", ""),
                                       ticket_id=ticket_id)
        flash(_("Thread started."), "success")
        return redirect(url_for("helpdesk.thread", thread_id=thread.id))
    return render_template("helpdesk/new.html", categories=CATEGORIES, ticket_id=ticket_id)


@bp.get("/forum/<int:thread_id>")
@roles_required(*STAFF)
def thread(thread_id: int):
    item = services.visible_thread(thread_id, current_user)
    subscribed = db.session.get(ForumSubscription, (item.id, current_user.id)) is not None
    can_accept = current_user.id == item.author_id or current_user.has_role("supervisor")
    return render_template("helpdesk/thread.html", thread=item, subscribed=subscribed, can_accept=can_accept)


@bp.post("/forum/<int:thread_id>/reply")
@roles_required(*STAFF)
def reply(thread_id: int):
    item = services.visible_thread(thread_id, current_user)
    post = services.reply(item, current_user, request.form.get("body", ""))
    return redirect(url_for("helpdesk.thread", thread_id=item.id, _anchor=f"post-{post.id}"))


@bp.post("/forum/<int:thread_id>/accept/<int:post_id>")
@roles_required(*STAFF)
def accept(thread_id: int, post_id: int):
    item = services.visible_thread(thread_id, current_user)
    services.accept(item, post_id, current_user)
    flash(_("Answer accepted."), "success")
    return redirect(url_for("helpdesk.thread", thread_id=item.id))


@bp.post("/forum/<int:thread_id>/subscription")
@roles_required(*STAFF)
def subscription(thread_id: int):
    item = services.visible_thread(thread_id, current_user)
    services.set_subscription(item, current_user, request.form.get("on") == "1")
    return redirect(url_for("helpdesk.thread", thread_id=item.id))


class WorkListFilters(ListFilters):
    kind = TextFilter()
    mark = ChoiceFilter(values=(*MARKS, "queued", "mine"))
    holder = BoundedIntegerField(validators=[Optional(), NumberRange(min=0)])
    q = TextFilter()


@bp.get("/")
@roles_required("operator", "supervisor")
def console():
    """The one work list: mine and my kinds' queue (operators), or the whole team's (supervisors)."""
    now = clock.now()
    form = WorkListFilters.read(request.args)
    kinds = known_kinds()
    team = current_user.has_role("supervisor") and request.args.get("view") != "mine"
    filters = WorkFilters(kind=form.kind.value if form.kind.value in kinds else "", mark=form.mark.value,
                          holder=form.holder.data if team else None, text=form.q.value[:100])
    if team:
        query = work_query(now, filters)
    else:
        query = work_query(now, filters, operator_id=current_user.id, kinds=kinds_served_by(current_user.id))
    page = paginate(query)
    return render_template("helpdesk/console.html", page=page, rows=rows_for(page.items), now=now, team=team,
                           filters=filters, kinds=kinds, marks=MARK_LABELS, operators=roster_services.operators(),
                           is_supervisor=current_user.has_role("supervisor"),
                           age=lambda at: format_timedelta(now - at, granularity="minute", threshold=1.5))


@bp.post("/queue/<int:item_id>/take")
@roles_required("operator", "supervisor")
def take(item_id: int):
    console_data.take(item_id, current_user._get_current_object())
    flash(_("The item is now yours."), "success")
    return redirect(url_for("helpdesk.console"))


@bp.get("/team")
@roles_required("supervisor")
def team():
    now = clock.now()
    rows, unassigned = console_data.team_workload(roster_services.operators(), now, set(on_duty(now)))
    return render_template("helpdesk/team.html", rows=rows, unassigned=unassigned)
