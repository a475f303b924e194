"""The release calendar: releases by month with filters, announcements of scheduled items, iCalendar feeds.

Every event of a feed links to a page that answers: the item page once the item is
public, its announcement page (``catalog.announcement``) before.  An event's UID is
the item's (``catalog-item-<id>@statdesk``) and its ``SEQUENCE`` counts how often the
scheduled release was moved (``catalog.release_moved`` audit entries), so calendar
programs move the event when the date moves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event

from catalog import reference
from catalog.models import Item, ItemKind, ReleaseStatus
from core import clock
from core.extensions import db
from core.models import AuditEntry
from core.timefmt import format_local, local_zone

FEED_DAYS_BACK = 30
FEED_LOCALES = ("id", "en")


@dataclass(frozen=True)
class CalendarFilters:
    """What the calendar (page and feed) is narrowed to; unknown values are dropped, never an error."""

    kind: str = ""
    subject: str = ""  # this subject or any below it
    region: str = ""  # this region or any inside it (a province holds its regencies)
    producer: str = ""  # the producing unit, exactly

    @classmethod
    def from_args(cls, args) -> CalendarFilters:
        kind, subject, region = args.get("kind", ""), args.get("subject", ""), args.get("region", "")
        return cls(kind=kind if kind in {k.value for k in ItemKind} else "",
                   subject=subject if subject in reference.subjects() else "",
                   region=region if region in reference.regions() else "",
                   producer=args.get("producer", "").strip()[:120])

    def args(self) -> dict[str, str]:
        return {name: value for name, value in vars(self).items() if value}

    def apply(self, query):
        if self.kind:
            query = query.where(Item.kind == ItemKind(self.kind))
        if self.subject:
            query = query.where(sa.or_(Item.subject_code == self.subject,
                                       Item.subject_code.startswith(self.subject + ".", autoescape=True)))
        if self.region:
            query = query.where(Item.region_code.startswith(self.region, autoescape=True)
                                if len(self.region) == 2 else Item.region_code == self.region)
        if self.producer:
            query = query.where(Item.unit == self.producer)
        return query


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The month in the office's local time (a release at 00:30 WIB on the 1st belongs to that month), as UTC."""
    zone = local_zone()
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _listed():
    return sa.select(Item).where(Item.status.in_((ReleaseStatus.SCHEDULED, ReleaseStatus.RELEASED)))


def releases_between(start: datetime, end: datetime, filters: CalendarFilters | None = None) -> list[Item]:
    """Released and scheduled items whose release time falls in ``[start, end)`` (drafts never)."""
    query = (filters or CalendarFilters()).apply(_listed().where(Item.release_at >= start, Item.release_at < end))
    return list(db.session.scalars(query.order_by(Item.release_at, Item.id)))


def feed_items(filters: CalendarFilters | None = None) -> list[Item]:
    """Upcoming and recent (``FEED_DAYS_BACK``) releases matching ``filters``."""
    query = (filters or CalendarFilters()).apply(
        _listed().where(Item.release_at >= clock.now() - timedelta(days=FEED_DAYS_BACK)))
    return list(db.session.scalars(query.order_by(Item.release_at, Item.id)))


def announced(item: Item) -> bool:
    """Whether the item has an announcement page: scheduled (or released) with a release time."""
    return item.release_at is not None and item.status in (ReleaseStatus.SCHEDULED, ReleaseStatus.RELEASED)


def item_url(item: Item, external: bool = False) -> str:
    """Where a calendar links to: the item page once public, its announcement page before."""
    endpoint = "catalog.item" if item.is_viewable() else "catalog.announcement"
    return url_for(endpoint, item_id=item.id, _external=external)


def sequences(item_ids: Iterable[int]) -> dict[int, int]:
    """How often each item's scheduled release was moved (iCalendar ``SEQUENCE``)."""
    ids = [str(i) for i in item_ids]
    if not ids:
        return {}
    rows = db.session.execute(sa.select(AuditEntry.object_id, sa.func.count()).where(
        AuditEntry.action == "catalog.release_moved", AuditEntry.object_type == "Item",
        AuditEntry.object_id.in_(ids)).group_by(AuditEntry.object_id))
    return {int(object_id): count for object_id, count in rows}


def _description(item: Item, locale: str) -> str:
    subject = reference.subjects().get(item.subject_code)
    region = reference.regions().get(item.region_code)
    lines = [item.title("id"), item.title("en")] if item.title_en else [item.title_id]
    lines += [f"{_('Kind')}: {item.kind.label}", f"{_('Producing unit')}: {item.unit}",
              f"{_('Release')}: {format_local(item.release_at)}"]
    if subject is not None:
        lines.append(f"{_('Subject area')}: {subject.name(locale)}")
    if region is not None:
        lines.append(f"{_('Region')}: {region.name}")
    abstract = item.abstract(locale)
    if abstract:
        lines += ["", abstract]
    return "\n".join(lines)


def ics(items: Iterable[Item], locale: str = "id", name: str = "") -> bytes:
    """An iCalendar document of ``items``' releases, titled in ``locale`` (``id`` or ``en``)."""
    locale = locale if locale in FEED_LOCALES else "id"
    items = list(items)
    seq = sequences(item.id for item in items)
    with force_locale(locale):
        cal = Calendar()
        cal.add("prodid", "-//Statdesk//Kalender Rilis//ID")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", name or _("Statdesk release calendar"))
        now = clock.now()
        for item in items:
            event = Event()
            event.add("uid", f"catalog-item-{item.id}@statdesk")
            event.add("summary", item.title(locale))
            event.add("description", _description(item, locale))
            event.add("dtstart", item.release_at)
            event.add("dtend", item.release_at + timedelta(hours=1))
            event.add("dtstamp", now)
            event.add("last-modified", item.updated_at or now)
            event.add("sequence", seq.get(item.id, 0))
            event.add("url", item_url(item, external=True))
            event.add("categories", [item.kind.value])
            event.add("status", "CONFIRMED")
            cal.add_component(event)
        return cal.to_ical()


def feed(filters: CalendarFilters | None = None, locale: str = "id") -> bytes:
    """The iCalendar feed of upcoming (and recent) releases, narrowed by ``filters``."""
    return ics(feed_items(filters), locale)
