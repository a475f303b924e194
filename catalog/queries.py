"""Read-side queries for the public pages: browse filters, new and upcoming releases, related items.

Every list is one SELECT of item rows (plus the pagination count); templates use
only the item's own columns, so a page costs the same number of queries whatever
its size.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from catalog import reference
from catalog.models import Item, ItemKind, ReleaseStatus
from core import clock
from core.extensions import db

HOME_LIST_SIZE = 8
RELATED_SIZE = 5


@dataclass(frozen=True)
class BrowseFilters:
    kind: str = ""
    subject: str = ""
    region: str = ""
    year: int | None = None
    q: str = ""

    @classmethod
    def from_args(cls, args) -> BrowseFilters:
        kind = args.get("kind", "")
        subject = args.get("subject", "")
        region = args.get("region", "")
        year = args.get("year", "")
        return cls(kind=kind if kind in {k.value for k in ItemKind} else "",
                   subject=subject if subject in reference.subjects() else "",
                   region=region if region in reference.regions() else "",
                   year=int(year) if year.isdigit() and len(year) == 4 else None,
                   q=args.get("q", "").strip()[:200])


def browse_query(filters: BrowseFilters):
    """Public items matching ``filters``, newest release first."""
    query = sa.select(Item).where(Item.public_clause())
    if filters.kind:
        query = query.where(Item.kind == ItemKind(filters.kind))
    if filters.subject:
        query = query.where(sa.or_(Item.subject_code == filters.subject,
                                   Item.subject_code.startswith(filters.subject + ".", autoescape=True)))
    if filters.region:
        query = query.where(Item.region_code.startswith(filters.region, autoescape=True)
                            if len(filters.region) == 2 else Item.region_code == filters.region)
    if filters.year:
        query = query.where(Item.year == filters.year)
    if filters.q:
        for word in filters.q.split()[:8]:
            query = query.where(sa.or_(Item.title_id.ilike(f"%{word}%"), Item.title_en.ilike(f"%{word}%")))
    return query.order_by(Item.release_at.desc(), Item.id.desc())


def new_releases(limit: int = HOME_LIST_SIZE) -> list[Item]:
    return list(db.session.scalars(sa.select(Item).where(Item.public_clause())
                                   .order_by(Item.release_at.desc(), Item.id.desc()).limit(limit)))


def upcoming_releases(limit: int = HOME_LIST_SIZE) -> list[Item]:
    return list(db.session.scalars(sa.select(Item).where(Item.status == ReleaseStatus.SCHEDULED,
                                                         Item.release_at > clock.now())
                                   .order_by(Item.release_at, Item.id).limit(limit)))


def related(item: Item, limit: int = RELATED_SIZE) -> list[Item]:
    return list(db.session.scalars(sa.select(Item).where(Item.public_clause(), Item.id != item.id,
                                                         Item.subject_code == item.subject_code)
                                   .order_by(Item.release_at.desc(), Item.id.desc()).limit(limit)))


def years() -> list[int]:
    return list(db.session.scalars(sa.select(Item.year).where(Item.public_clause()).distinct()
                                   .order_by(Item.year.desc())))


def producers() -> list[str]:
    """The producing units with a released or scheduled item (the calendar's producer filter)."""
    return list(db.session.scalars(sa.select(Item.unit).where(
        Item.status.in_((ReleaseStatus.SCHEDULED, ReleaseStatus.RELEASED))).distinct().order_by(Item.unit)))
