"""What the public pages read from the whole catalog, computed once per catalog version in each process.

The home page's lists, the browse page's counts and year list and the calendar's producer list would each
read the whole catalog on every request.  Instead each process keeps one ``Snapshot`` per database, keyed
by the catalog's version stamp (``CatalogVersion``: a trigger renews it in the transaction of every write
to ``catalog_item``).  A request reads the stamp once (one primary-key SELECT, ``current()``); a new stamp,
committed by this process, another worker or another host, makes that request build a new snapshot.

Time changes what is public without a write (a scheduled item is public once due), so a snapshot also ends
at the first scheduled release after it was built, and when the clock reads earlier than its building.
Without a stamp row (a database emptied with triggers off) nothing is kept: each request builds its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask import g

from catalog import queries
from catalog.models import CatalogVersion, Item, ItemKind, ReleaseStatus
from core import clock
from core.extensions import db

#: The filter combinations whose count a snapshot remembers (each is a sum over its groups), and the number
#: of other results it keeps (``Snapshot.keep``).
COUNTS_KEPT = 512
#: The databases a process keeps a snapshot of (one in production; the test suite opens many).
DATABASES_KEPT = 4


@dataclass(frozen=True)
class ListedItem:
    """The columns of an item that the home page's lists show, kept between requests."""

    id: int
    kind: ItemKind
    title_id: str
    title_en: str
    region_code: str
    year: int
    status: ReleaseStatus
    release_at: datetime | None

    @classmethod
    def of(cls, item: Item) -> ListedItem:
        return cls(item.id, item.kind, item.title_id, item.title_en, item.region_code, item.year, item.status,
                   item.release_at)

    def title(self, locale: str = "id") -> str:
        return (self.title_en or self.title_id) if locale == "en" else self.title_id

    def is_public(self, at: datetime | None = None) -> bool:
        at = at or clock.now()
        return self.status is ReleaseStatus.RELEASED or (self.status is ReleaseStatus.SCHEDULED
                                                         and self.release_at is not None and self.release_at <= at)


@dataclass
class Snapshot:
    built_at: datetime
    ends_at: datetime | None  # the next scheduled release
    new_releases: tuple[ListedItem, ...]
    upcoming_releases: tuple[ListedItem, ...]
    groups: tuple[tuple[str, str, str, int, int], ...]  # queries.public_groups
    producers: tuple[str, ...]
    years: tuple[int, ...] = ()
    _counts: dict = field(default_factory=dict)
    _kept: dict = field(default_factory=dict)

    def __post_init__(self):
        self.years = tuple(sorted({group[3] for group in self.groups}, reverse=True))

    def holds_at(self, at: datetime) -> bool:
        return self.built_at <= at and (self.ends_at is None or at < self.ends_at)

    def count(self, filters: queries.BrowseFilters) -> int:
        """How many public items pass ``filters`` (their ``q`` aside: ``queries.count_public`` counts that)."""
        key = (filters.kind, filters.subject, filters.region, filters.year)
        if key not in self._counts:
            if len(self._counts) >= COUNTS_KEPT:
                self._counts.clear()
            self._counts[key] = sum(group[4] for group in self.groups if filters.matches(*group[:4]))
        return self._counts[key]

    def keep(self, key, compute):
        """``compute()``, done once for this snapshot and ``key`` (e.g. a list's HTML in one language)."""
        if key not in self._kept:
            if len(self._kept) >= COUNTS_KEPT:
                self._kept.clear()
            self._kept[key] = compute()
        return self._kept[key]


def build(at: datetime) -> Snapshot:
    return Snapshot(built_at=at, ends_at=queries.next_release_after(at),
                    new_releases=tuple(map(ListedItem.of, queries.new_releases(at=at))),
                    upcoming_releases=tuple(map(ListedItem.of, queries.upcoming_releases(at=at))),
                    groups=tuple(queries.public_groups(at)), producers=tuple(queries.producers()))


_kept: dict[str, tuple[str, Snapshot]] = {}  # database URL -> (stamp, snapshot)


def current() -> Snapshot:
    """The snapshot of the catalog as this request sees it (the stamp is read once per request)."""
    if "catalog_snapshot" in g:
        return g.catalog_snapshot
    now = clock.now()
    stamp = db.session.scalar(sa.select(CatalogVersion.stamp).where(CatalogVersion.id == 1))
    database = db.engine.url.render_as_string(hide_password=True)
    kept = _kept.get(database)
    if kept is not None and stamp is not None and kept[0] == stamp and kept[1].holds_at(now):
        found = kept[1]
    else:
        found = build(now)
        if stamp is not None:
            if database not in _kept and len(_kept) >= DATABASES_KEPT:
                _kept.clear()
            _kept[database] = (stamp, found)
    g.catalog_snapshot = found
    return found


def count(filters: queries.BrowseFilters) -> int:
    """The number of public items matching ``filters``: from the snapshot, or counted when ``q`` narrows them."""
    return queries.count_public(filters) if filters.q else current().count(filters)
