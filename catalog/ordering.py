"""What the catalog offers for ordering: orderable items, their ready files and prices.

Orders may import the catalog (never the other way), so the catalog owns the small
frozen dataclasses handed over here; ``orders.catalog_port`` uses them and keeps
the one place where tests put another catalog in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from catalog import reference, tariffs
from catalog.models import Item, ItemKind
from core.extensions import db
from core.fields import MAX_ID

ORDERABLE = (ItemKind.PUBLICATION, ItemKind.MAP, ItemKind.MICRODATA)


@dataclass(frozen=True)
class ReadyFile:
    """A stored file (``core.storage`` key) that can be delivered without an operator."""

    storage_key: str
    filename: str
    size: int
    sha256: str


@dataclass(frozen=True)
class OrderableItem:
    """A released item of an orderable kind, as orders see it."""

    id: int
    kind: str  # publication | map | microdata
    title: str
    variables: tuple[str, ...] = ()  # microdata: the variables a consumer may pick
    regions: tuple[str, ...] = ()  # maps: the region codes sold separately
    ready_files: tuple[ReadyFile, ...] = field(default=())
    title_en: str = ""  # the English title, when the catalog has one (English invoices and pages use it)

    @property
    def needs_preparation(self) -> bool:
        """Microdata is always extracted by an operator; other kinds when no file is ready."""
        return self.kind == "microdata" or not self.ready_files


def map_regions(item: Item) -> tuple[str, ...]:
    """A map of a province is sold per regency; a map of a regency as itself."""
    coverage = item.coverage_region or item.region_code
    regencies = reference.regencies_of(coverage) if len(coverage) == 2 else []
    return tuple(r.code for r in regencies) or (coverage,)


def _orderable(item: Item) -> OrderableItem:
    files = tuple(ReadyFile(f.storage_key, f.filename, f.size, f.sha256)
                  for f in item.files if f.version == item.version)
    return OrderableItem(
        id=item.id, kind=item.kind.value, title=item.title_id, title_en=item.title_en or "",
        variables=tuple(v.name for v in item.variables) if item.kind is ItemKind.MICRODATA else (),
        regions=map_regions(item) if item.kind is ItemKind.MAP else (),
        ready_files=() if item.kind is ItemKind.MICRODATA else files,
    )


def orderable_item(item_id: int, user=None) -> OrderableItem | None:
    """The item if it exists, is public now and of an orderable kind; else ``None``."""
    item = db.session.get(Item, item_id) if 0 < item_id <= MAX_ID else None
    if item is None or item.kind not in ORDERABLE or not item.is_public():
        return None
    return _orderable(item)


def price_for(item_id: int, quantity: int, options: dict) -> int:
    """The line price in whole rupiah under the item's tariff (0 when free)."""
    item = db.session.get(Item, item_id)
    if item is None:
        raise LookupError(f"catalog item {item_id} does not exist")
    return tariffs.price(item.tariff_kind, item.tariff, quantity)


def orderable_items(limit: int) -> list[OrderableItem]:
    """Up to ``limit`` public orderable items, a share of each orderable kind (for demo orders)."""
    share = max(1, -(-limit // len(ORDERABLE)))
    picked: list[Item] = []
    for kind in ORDERABLE:
        picked.extend(db.session.scalars(
            sa.select(Item).where(Item.public_clause(), Item.kind == kind).order_by(Item.id).limit(share)
            .options(selectinload(Item.files), selectinload(Item.variables))))
    return [_orderable(item) for item in picked[:limit]]
