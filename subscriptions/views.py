"""My subscriptions, following, notifications, one-click unsubscribe, personal and topical feeds."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from accounts.models import User
from catalog import calendar, reference
from core.errors import DomainError, Invalid
from core.extensions import csrf, db
from core.forms import ActionForm, submitted
from core.permissions import login_required
from subscriptions import fanout, feeds, matching, services, standing, tokens
from subscriptions.forms import FollowForm, PreferencesForm

bp = Blueprint("subscriptions", __name__, template_folder="templates", url_prefix="/subscriptions")

NOTIFICATIONS_SHOWN = 100
ATOM_TYPE = "application/atom+xml"


def _user():
    return current_user._get_current_object()


def _locale() -> str:
    return str(get_locale() or "id")


def _refused(exc: DomainError, endpoint: str, **values):
    flash(str(exc.message), "error")
    return redirect(url_for(endpoint, **values)), 303


@bp.get("/")
@login_required
def index():
    user = _user()
    rows = [(s, PreferencesForm(prefix=f"s{s.id}", obj=s, frequency=s.frequency.value))
            for s in services.subscriptions_of(user)]
    return render_template("subscriptions/index.html", rows=rows, action=ActionForm(),
                           standing=standing.standing_orders_of(user),
                           feed_url=url_for("subscriptions.my_calendar", _external=True,
                                            token=tokens.feed_token(user.id, user.session_token)))


@bp.post("/<int:subscription_id>")
@login_required
def change(subscription_id: int):
    form = PreferencesForm(prefix=f"s{subscription_id}")
    if not form.validate_on_submit():
        return _refused(Invalid(_("Check the choices and try again.")), "subscriptions.index")
    try:
        services.update(_user(), subscription_id, form.preferences())
    except DomainError as exc:
        return _refused(exc, "subscriptions.index")
    flash(_("Your subscription has been changed."), "success")
    return redirect(url_for("subscriptions.index"))


@bp.post("/<int:subscription_id>/end")
@login_required
def end(subscription_id: int):
    submitted(ActionForm())
    services.unfollow(_user(), subscription_id)
    flash(_("You no longer follow this."), "success")
    return redirect(url_for("subscriptions.index"))


def _choices(args) -> list[tuple[str, str, str]]:
    """(target, value, label) a person may follow from the page that linked here."""
    locale = _locale()
    found = []
    if args.get("item_id", "").isdigit():
        item = services.followable_item(int(args["item_id"]))
        found += [("item", str(item.id), _("This item: %(title)s", title=item.title(locale))),
                  ("series", str(item.id), _("Every period of this series: %(title)s",
                                             title=matching.series_label(item, locale))),
                  ("subject", item.subject_code, _("The subject %(name)s",
                                                   name=reference.subject_name(item.subject_code, locale))),
                  ("region", item.region_code, _("The region %(name)s",
                                                 name=reference.region_name(item.region_code))),
                  ("producer", item.unit, _("The producer %(unit)s", unit=item.unit))]
    for target in ("subject", "region", "producer"):
        if args.get(target):
            kind, value, label = services.resolve(target, args[target], locale)
            found.append((kind.value, value, label))
    if args.get("q"):
        kind, value, label = services.resolve("search", matching_args(args), locale)
        found.append((kind.value, value, _("The search “%(query)s”", query=label)))
    return found


def matching_args(args) -> str:
    from urllib.parse import urlencode

    return urlencode([(name, args[name]) for name in matching.SEARCH_FIELDS if args.get(name)])


@bp.get("/follow")
@login_required
def follow_page():
    if not request.args:
        return redirect(url_for("subscriptions.index"))
    try:
        choices = _choices(request.args)
    except Invalid as exc:
        flash(str(exc.message), "error")
        choices = []
    if not choices:
        abort(404)
    form = FollowForm(language=_locale())
    return render_template("subscriptions/follow.html", choices=choices, form=form,
                           item_id=request.args.get("item_id", ""))


@bp.post("/follow")
@login_required
def follow():
    form = FollowForm()
    if not form.validate_on_submit():
        return _refused(Invalid(_("Check the choices and try again.")), "subscriptions.index")
    try:
        target, _sep, value = (request.form.get("choice") or "").partition("|")  # the follow page's radios
        subscription = services.follow(_user(), form.target.data or target, form.value.data or value,
                                       form.preferences())
    except DomainError as exc:
        return _refused(exc, "subscriptions.index")
    flash(_("You now follow %(label)s.", label=subscription.label), "success")
    return redirect(url_for("subscriptions.index"))


@bp.get("/notifications")
@login_required
def notifications():
    rows = db.session.execute(services.notifications(_user()).limit(NOTIFICATIONS_SHOWN)).all()
    return render_template("subscriptions/notifications.html", rows=rows, action=ActionForm(), locale=_locale())


@bp.post("/notifications/read")
@login_required
def notifications_read():
    submitted(ActionForm())
    fanout.mark_read(_user().id)
    return redirect(url_for("subscriptions.notifications"))


@bp.get("/unsubscribe/<token>")
def unsubscribe_page(token: str):
    subscription = services.check_unsubscribe(token)
    return render_template("subscriptions/unsubscribe.html", label=subscription.label, token=token, done=False)


@bp.post("/unsubscribe/<token>")
@csrf.exempt  # RFC 8058: the mail client's one-click POST carries no session; the signed token is the key
def unsubscribe(token: str):
    label = services.unsubscribe(token)
    return render_template("subscriptions/unsubscribe.html", label=label, token=token, done=True)


@bp.get("/calendar/<token>.ics")
def my_calendar(token: str):
    try:
        user_id, session_key = tokens.read_feed_token(token)
    except tokens.BadToken:
        abort(404)
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_token[:12] != session_key:
        abort(404)
    body = calendar.ics(feeds.followed_calendar_items(user.id), user.locale, name=_("What I follow"))
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, no-store"})


@bp.get("/feeds/subject/<code>.atom")
def subject_feed(code: str):
    if code not in reference.subjects():
        abort(404)
    locale = request.args.get("lang", _locale())
    title = _("New releases: %(subject)s", subject=reference.subject_name(code, locale))
    return Response(feeds.atom(title, request.base_url, feeds.subject_items(code), locale), mimetype=ATOM_TYPE)


@bp.get("/feeds/region/<code>.atom")
def region_feed(code: str):
    if code not in reference.regions():
        abort(404)
    locale = request.args.get("lang", _locale())
    title = _("New releases: %(region)s", region=reference.region_name(code))
    return Response(feeds.atom(title, request.base_url, feeds.region_items(code), locale), mimetype=ATOM_TYPE)


@bp.get("/feeds/search.atom")
def search_feed():
    try:
        value = matching.normalised_search(request.args)
    except Exception:  # noqa: BLE001 — any unreadable query is the caller's mistake
        raise Invalid(_("Type the words to look for.")) from None
    locale = request.args.get("lang", _locale())
    title = _("New releases for “%(query)s”", query=matching.search_fields(value)["q"])
    return Response(feeds.atom(title, request.url, feeds.search_items(value), locale), mimetype=ATOM_TYPE)


# -- standing orders ------------------------------------------------------------------------------

@bp.post("/standing")
@login_required
def standing_create():
    form = ActionForm()
    submitted(form)
    raw = request.form.get("item_id", "")
    if not raw.isdigit():
        return _refused(Invalid(_("Choose the series to order.")), "subscriptions.index")
    try:
        standing.create(_user(), int(raw), non_commercial=request.form.get("non_commercial") == "y",
                        purpose=request.form.get("purpose", ""), letter=request.files.get("letter"),
                        abstract=request.files.get("abstract"))
    except DomainError as exc:
        return _refused(exc, "subscriptions.index")
    flash(_("Your standing order is active: every new release of this series will be ordered."), "success")
    return redirect(url_for("subscriptions.index"))


@bp.post("/standing/<int:standing_id>/<event>")
@login_required
def standing_change(standing_id: int, event: str):
    submitted(ActionForm())
    if event not in standing.TRANSITIONS:
        abort(404)
    try:
        standing.change(_user(), standing_id, event)
    except DomainError as exc:
        return _refused(exc, "subscriptions.index")
    return redirect(url_for("subscriptions.index"))

