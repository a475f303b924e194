"""Personal and topical feeds: the iCalendar feed of what a person follows, Atom feeds of releases.

Atom (RFC 4287) documents are written with ``xml.etree`` (the text is escaped by
the serializer); entry ids are stable tag URIs of the item, ``updated`` is the
release time.
"""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree as ET

import sqlalchemy as sa
from flask import current_app

from catalog import reference
from catalog.calendar import FEED_DAYS_BACK
from catalog.models import Item, ReleaseStatus
from core import clock
from core.extensions import db
from subscriptions import matching
from subscriptions.models import Subscription, Target

ATOM = "http://www.w3.org/2005/Atom"
ATOM_SIZE = 50
SCAN_LIMIT = 2000  # released items examined for a saved-search feed


def _public_recent():
    return sa.select(Item).where(Item.public_clause()).order_by(Item.release_at.desc(), Item.id.desc())


def subject_items(code: str) -> list[Item]:
    query = _public_recent().where(sa.or_(Item.subject_code == code,
                                          Item.subject_code.startswith(code + ".", autoescape=True)))
    return list(db.session.scalars(query.limit(ATOM_SIZE)))


def region_items(code: str) -> list[Item]:
    query = _public_recent().where(Item.region_code.startswith(code, autoescape=True) if len(code) == 2
                                   else Item.region_code == code)
    return list(db.session.scalars(query.limit(ATOM_SIZE)))


def search_items(value: str) -> list[Item]:
    found = []
    for item in db.session.scalars(_public_recent().limit(SCAN_LIMIT)):
        if matching.search_matches(value, item):
            found.append(item)
            if len(found) == ATOM_SIZE:
                break
    return found


def atom(title: str, self_url: str, items: list[Item], locale: str) -> bytes:
    base = current_app.config["STATDESK_BASE_URL"].rstrip("/")
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = self_url
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url, type="application/atom+xml")
    updated = max((item.release_at for item in items), default=clock.now())
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = updated.isoformat()
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = current_app.config["STATDESK_SITE_NAME"]
    for item in items:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = item.title(locale)
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"tag:statdesk,2026:catalog-item-{item.id}"
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=f"{base}/catalog/{item.id}")
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = item.release_at.isoformat()
        ET.SubElement(entry, f"{{{ATOM}}}published").text = item.release_at.isoformat()
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = item.abstract(locale) or item.title(locale)
        ET.SubElement(entry, f"{{{ATOM}}}category", term=item.subject_code,
                      label=reference.subject_name(item.subject_code, locale))
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")


def followed_calendar_items(user_id: int) -> list[Item]:
    """Upcoming and recent releases of what the person follows (any kind of subscription)."""
    subscriptions = list(db.session.scalars(sa.select(Subscription).where(Subscription.user_id == user_id)))
    candidates = db.session.scalars(sa.select(Item).where(
        Item.status.in_((ReleaseStatus.SCHEDULED, ReleaseStatus.RELEASED)),
        Item.release_at >= clock.now() - timedelta(days=FEED_DAYS_BACK)).order_by(Item.release_at, Item.id))
    return [item for item in candidates if any(_follows(s, item) for s in subscriptions)]


def _follows(subscription: Subscription, item: Item) -> bool:
    target, value = subscription.target, subscription.value
    if target is Target.ITEM:
        return value == str(item.id)
    if target is Target.SERIES:
        return value == matching.series_key(item)
    if target is Target.SUBJECT:
        return value in reference.subject_path(item.subject_code)
    if target is Target.REGION:
        return value in reference.region_path(item.region_code)
    if target is Target.PRODUCER:
        return value == item.unit
    return matching.search_matches(value, item)
