"""The release calendar: releases by month, and an iCalendar feed of scheduled releases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import url_for
from icalendar import Calendar, Event

from catalog.models import Item, ReleaseStatus
from core import clock
from core.extensions import db
from core.timefmt import local_zone

FEED_DAYS_BACK = 30


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The month in the office's local time (a release at 00:30 WIB on the 1st belongs to that month), as UTC."""
    zone = local_zone()
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def releases_between(start: datetime, end: datetime) -> list[Item]:
    """Released and scheduled items whose release time falls in ``[start, end)`` (drafts never)."""
    return list(db.session.scalars(
        sa.select(Item).where(Item.status.in_((ReleaseStatus.SCHEDULED, ReleaseStatus.RELEASED)),
                              Item.release_at >= start, Item.release_at < end)
        .order_by(Item.release_at, Item.id)))


def feed() -> bytes:
    """An iCalendar feed of upcoming (and recent) releases."""
    cal = Calendar()
    cal.add("prodid", "-//Statdesk//Kalender Rilis//ID")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Kalender Rilis Statdesk")
    now = clock.now()
    items = db.session.scalars(
        sa.select(Item).where(Item.status.in_((ReleaseStatus.SCHEDULED, ReleaseStatus.RELEASED)),
                              Item.release_at >= now - timedelta(days=FEED_DAYS_BACK))
        .order_by(Item.release_at, Item.id))
    for item in items:
        event = Event()
        event.add("uid", f"catalog-item-{item.id}@statdesk")
        event.add("summary", item.title_id)
        event.add("dtstart", item.release_at)
        event.add("dtend", item.release_at + timedelta(hours=1))
        event.add("dtstamp", now)
        event.add("url", url_for("catalog.item", item_id=item.id, _external=True))
        event.add("categories", [item.kind.value])
        cal.add_component(event)
    return cal.to_ical()
