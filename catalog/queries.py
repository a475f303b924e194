"""Read-side queries for the public pages: browse filters, new and upcoming releases, related items.

Every list of public items reads one of the ``(…, status, release_at, id)`` indexes backwards and stops at
its LIMIT, whatever the catalog's size: "public" is two index ranges (released; scheduled and due), so each
list takes the first rows of each range and keeps the newest (``_newest_public``).  What needs the whole
catalog (counts, the year and producer lists, the home page's lists) is computed once per catalog version
by ``catalog.snapshot``, from the aggregates below.  Templates use only the items' own columns, so a page
costs the same number of queries whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

import sqlalchemy as sa

from catalog import reference
from catalog.models import Item, ItemKind, ReleaseStatus
from core import clock
from core.extensions import db
from core.pagination import paginate_with

HOME_LIST_SIZE = 8
RELATED_SIZE = 5
NEWEST_FIRST = (Item.release_at.desc(), Item.id.desc())


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

    def conditions(self) -> list:
        """The SQL conditions of these filters (besides being public)."""
        found = []
        if self.kind:
            found.append(Item.kind == ItemKind(self.kind))
        if self.subject:
            found.append(sa.or_(Item.subject_code == self.subject,
                                Item.subject_code.startswith(self.subject + ".", autoescape=True)))
        if self.region:
            found.append(Item.region_code.startswith(self.region, autoescape=True)
                         if len(self.region) == 2 else Item.region_code == self.region)
        if self.year:
            found.append(Item.year == self.year)
        for word in self.q.split()[:8]:
            found.append(sa.or_(Item.title_id.ilike(f"%{word}%"), Item.title_en.ilike(f"%{word}%")))
        return found

    def matches(self, kind: str, subject: str, region: str, year: int) -> bool:
        """Whether an item of these attributes passes the filters other than ``q`` (as ``conditions`` would)."""
        return ((not self.kind or kind == self.kind)
                and (not self.subject or subject == self.subject or subject.startswith(self.subject + "."))
                and (not self.region or (region.startswith(self.region) if len(self.region) == 2
                                         else region == self.region))
                and (not self.year or year == self.year))


def _newest_public(conditions, limit: int, offset: int = 0, at=None, columns=(Item,)):
    """SELECT of ``columns`` of the public items meeting ``conditions`` at ``at`` (default now; may be a bound
    parameter), newest release first, rows ``offset`` to ``offset + limit``.

    Each of the two ranges of "public" is read in index order and cut at ``offset + limit`` rows before the
    two are merged, so no query sorts more than that many rows.
    """
    at = at if at is not None else clock.now()
    ranges = ((Item.status == ReleaseStatus.RELEASED,),
              (Item.status == ReleaseStatus.SCHEDULED, Item.release_at <= at))
    firsts = [sa.select(Item.id, Item.release_at).where(*public, *conditions).order_by(*NEWEST_FIRST)
              .limit(offset + limit).subquery() for public in ranges]
    merged = sa.union_all(*(sa.select(first.c.id, first.c.release_at) for first in firsts)).subquery()
    page = (sa.select(merged.c.id).order_by(merged.c.release_at.desc(), merged.c.id.desc())
            .limit(limit).offset(offset))
    return sa.select(*columns).where(Item.id.in_(page)).order_by(*NEWEST_FIRST)


def browse_page(filters: BrowseFilters, count, page: int | None = None, per_page: int | None = None):
    """One page of the public items matching ``filters``, newest release first; ``count()`` gives the total."""
    def fetch(offset: int, limit: int) -> list[Item]:
        return list(db.session.scalars(_newest_public(filters.conditions(), limit, offset)))

    return paginate_with(fetch, count, page=page, per_page=per_page)


def count_public(filters: BrowseFilters) -> int:
    """How many public items match ``filters`` (a scan when ``q`` is given: the snapshot counts the others)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Item)
                             .where(Item.public_clause(), *filters.conditions())) or 0


def new_releases(limit: int = HOME_LIST_SIZE, at: datetime | None = None) -> list[Item]:
    return list(db.session.scalars(_newest_public((), limit, at=at)))


def upcoming_releases(limit: int = HOME_LIST_SIZE, at: datetime | None = None) -> list[Item]:
    return list(db.session.scalars(sa.select(Item).where(Item.status == ReleaseStatus.SCHEDULED,
                                                         Item.release_at > (at or clock.now()))
                                   .order_by(Item.release_at, Item.id).limit(limit)))


def next_release_after(at: datetime) -> datetime | None:
    """The first scheduled release after ``at``: what is public changes then, without any write."""
    return db.session.scalar(sa.select(sa.func.min(Item.release_at))
                             .where(Item.status == ReleaseStatus.SCHEDULED, Item.release_at > at))


@dataclass(frozen=True)
class Related:
    """What the item page shows of a related item: its link and title."""

    id: int
    title_id: str
    title_en: str

    def title(self, locale: str = "id") -> str:
        return (self.title_en or self.title_id) if locale == "en" else self.title_id


@cache
def _related_query(limit: int):
    """Built once: the item page runs it on every request."""
    return _newest_public((Item.subject_code == sa.bindparam("subject"), Item.id != sa.bindparam("item")), limit,
                          at=sa.bindparam("at", type_=Item.release_at.type),
                          columns=(Item.id, Item.title_id, Item.title_en))


def related(item: Item, limit: int = RELATED_SIZE) -> list[Related]:
    """The newest other public items of the item's subject."""
    rows = db.session.execute(_related_query(limit), {"subject": item.subject_code, "item": item.id,
                                                      "at": clock.now()})
    return [Related(*row) for row in rows]


def public_groups(at: datetime | None = None) -> list[tuple[str, str, str, int, int]]:
    """(kind, subject, region, year, count) of the public items: what the counts and the year list come from."""
    rows = db.session.execute(sa.select(Item.kind, Item.subject_code, Item.region_code, Item.year, sa.func.count())
                              .where(Item.public_clause(at))
                              .group_by(Item.kind, Item.subject_code, Item.region_code, Item.year))
    return [(kind.value, subject, region, year, count) for kind, subject, region, year, count in rows]


def producers() -> list[str]:
    """The producing units with a released or scheduled item (the calendar's producer filter)."""
    return list(db.session.scalars(sa.select(Item.unit).where(
        Item.status.in_((ReleaseStatus.SCHEDULED, ReleaseStatus.RELEASED))).distinct().order_by(Item.unit)))
