"""Public catalog pages: home, browse, item, file download, release calendar (the table viewer: ``catalog.tables``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Blueprint, Response, abort, get_template_attribute, render_template, request, send_file
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from catalog import calendar, choices, ordering, queries, reference, services, snapshot
from catalog.models import Access, ItemKind, ReleaseStatus
from catalog.tables import services as tables
from core import clock, registry
from core.storage import get_storage
from core.timefmt import to_local

CALENDAR_YEARS = (1900, 2100)  # beyond these a month is nonsense (and overflows time-zone arithmetic)

bp = Blueprint("catalog", __name__, template_folder="templates", url_prefix="/catalog")


def _viewer():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _locale() -> str:
    return str(get_locale() or "id")


def home():
    """The site's home page (it takes over ``core.index``): search box, new and upcoming releases."""
    catalog, locale = snapshot.current(), _locale()
    lists = catalog.keep(("home", locale), lambda: _home_lists(catalog, locale))
    return render_template("catalog/home.html", lists=lists, kinds=list(ItemKind), locale=locale)


def _home_lists(catalog: snapshot.Snapshot, locale: str) -> dict[str, Markup]:
    """The home page's two lists as HTML: they change only with the snapshot (and the language)."""
    item_list = get_template_attribute("catalog/_list.html", "item_list")
    return {"new": item_list(catalog.new_releases, locale, _("Nothing released yet.")),
            "upcoming": item_list(catalog.upcoming_releases, locale, _("No releases scheduled."))}


@bp.get("/")
def browse():
    filters = queries.BrowseFilters.from_args(request.args)
    page = queries.browse_page(filters, lambda: snapshot.count(filters))
    return render_template("catalog/browse.html", page=page, filters=filters, kinds=list(ItemKind),
                           subject_options=choices.subject_options, region_options=choices.region_options,
                           regions=reference.regions(), years=snapshot.current().years, locale=_locale(),
                           labels={member: member.label for member in (*ItemKind, *Access)})


ITEM_ACTIONS: registry.MapSlot[str, Callable[[object], str | None]] = registry.MapSlot(
    "catalog.item_actions",
    "What a person can do with an item, by the name the item page knows, -> ``url(item)`` (None: not "
    "offered).  \"order\": a URL taking a POST of item_id, quantity and the kind's choices (variables, "
    "region), shown for released non-table items; \"consult\": a page to ask staff about the item (GET); "
    "\"follow\": a page to follow the item, its series, subject, region or producer (GET; also on the "
    "announcement page of a scheduled item).")

FOLLOW_TOPIC: registry.Slot[Callable[[str, str], str | None]] = registry.Slot(
    "catalog.follow_topic",
    "``url(target, value)`` of a page to follow a topic the calendar or browse page is narrowed to "
    "(target \"subject\", \"region\" or \"producer\" and its code or name); unset: no follow links.")


def _follow_links(args: dict[str, str]) -> list[tuple[str, str, str]]:
    """(target, value, url) for each topic the page is narrowed to that a person can follow."""
    if not FOLLOW_TOPIC.is_set():
        return []
    found = ((target, args[target], FOLLOW_TOPIC.get()(target, args[target]))
             for target in ("subject", "region", "producer") if args.get(target))
    return [entry for entry in found if entry[2]]


def _action_links(item) -> dict:
    actions = ITEM_ACTIONS.get()
    return {name: actions[name](item) if name in actions else None for name in ("order", "consult", "follow")}


@bp.get("/<int:item_id>")
def item(item_id: int):
    found = services.get_viewable(item_id, _viewer())
    return render_template("catalog/item.html", item=found, files=services.visible_files(found),
                           related=queries.related(found), actions=_action_links(found),
                           regions=reference.regions(), subject_path=reference.subject_path(found.subject_code),
                           subjects=reference.subjects(), map_regions=_map_regions(found), locale=_locale(),
                           withdrawn=found.status is ReleaseStatus.WITHDRAWN,
                           table=tables.load(found.id) if found.kind is ItemKind.TABLE else None)


def _map_regions(found) -> tuple[str, ...]:
    if found.kind is not ItemKind.MAP:
        return ()
    return ordering.map_regions(found)


@bp.get("/<int:item_id>/files/<int:file_id>")
def download(item_id: int, file_id: int):
    found = services.get_viewable(item_id, _viewer())
    file = next((f for f in services.visible_files(found) if f.id == file_id), None)
    if file is None or found.access.value != "free":
        abort(404)
    return send_file(get_storage().open(file.storage_key), mimetype=file.content_type, as_attachment=True,
                     download_name=file.filename)


@bp.get("/calendar")
def release_calendar():
    today = to_local(clock.now()).date()
    try:
        month = date(int(request.args.get("year", today.year)), int(request.args.get("month", today.month)), 1)
    except (ValueError, OverflowError):
        month = today.replace(day=1)
    if not CALENDAR_YEARS[0] <= month.year <= CALENDAR_YEARS[1]:
        month = today.replace(day=1)
    filters = calendar.CalendarFilters.from_args(request.args)
    start, end = calendar.month_bounds(month.year, month.month)
    previous = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return render_template("catalog/calendar.html", month=month,
                           items=calendar.releases_between(start, end, filters), filters=filters,
                           previous=previous, following=following, locale=_locale(), kinds=list(ItemKind),
                           subjects=list(reference.subjects().values()), regions=reference.regions(),
                           producers=snapshot.current().producers, follow_links=_follow_links(filters.args()),
                           item_url=calendar.item_url)


@bp.get("/calendar.ics")
def release_feed():
    filters = calendar.CalendarFilters.from_args(request.args)
    return Response(calendar.feed(filters, request.args.get("lang", _locale())), mimetype="text/calendar",
                    headers={"Content-Disposition": "inline; filename=kalender-rilis.ics"})


@bp.get("/<int:item_id>/announcement")
def announcement(item_id: int):
    """What will be released, when and by whom, before (and after) the release: calendar links never 404."""
    found = services.fetch(item_id)
    if found is None or not calendar.announced(found):
        abort(404)
    return render_template("catalog/announcement.html", item=found, locale=_locale(),
                           actions=_action_links(found), regions=reference.regions(),
                           subject=reference.subjects().get(found.subject_code),
                           released=found.is_public())
