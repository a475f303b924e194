"""Catalog items as search documents (``search_index.documents.SearchDocument``).

``load`` reads the asked items in batches by key (a fixed number of queries per
batch, whatever the number of items); items the public may not see come back
with ``public=False`` so the index drops them.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from catalog import reference, tariffs
from catalog.models import Access, Item, ItemKind
from core.extensions import db
from search_index.documents import DocumentSource, SearchDocument

SOURCE = "catalog"
BATCH = 500
ITEM_PATH = "/catalog"  # catalog.views.bp url_prefix


def _keywords(item: Item) -> tuple[str, ...]:
    """The item's keywords and the names of its region and the province around it, so places find it."""
    places = [reference.region_name(code) for code in reference.region_path(item.region_code)]
    return tuple(dict.fromkeys([*(item.keywords or ()), *places]))


def document(item: Item) -> SearchDocument:
    return SearchDocument(
        source=SOURCE, key=str(item.id), kind=item.kind.value,
        url=f"{ITEM_PATH}/{item.id}",  # sweeps and the CLI have no request to build URLs from
        title_id=item.title_id, title_en=item.title_en, abstract_id=item.abstract_id, abstract_en=item.abstract_en,
        keywords=_keywords(item), subject=item.subject_code,
        subject_path=reference.subject_path(item.subject_code),
        region=item.region_code, region_path=reference.region_path(item.region_code), year=item.year,
        access=item.access.value, price=tariffs.headline(item.tariff_kind, item.tariff),
        released_at=item.release_at, public=item.is_public(),
        extra={"unit": item.unit, "reference_period": item.reference_period, "version": item.version},
    )


def load(keys: Iterable[str]) -> list[SearchDocument]:
    ids = sorted({int(k) for k in keys if str(k).isdigit()})
    documents = []
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        documents.extend(document(item) for item in db.session.scalars(sa.select(Item).where(Item.id.in_(batch))))
    return documents


def all_keys() -> list[str]:
    return [str(i) for i in db.session.scalars(sa.select(Item.id).where(Item.public_clause()).order_by(Item.id))]


def source() -> DocumentSource:
    return DocumentSource(SOURCE, load, all_keys)


def kind_label(value: str, locale: str) -> str:
    return next((kind.label for kind in ItemKind if kind.value == value), "")


def access_label(value: str, locale: str) -> str:
    return next((access.label for access in Access if access.value == value), "")


def subject_label(value: str, locale: str) -> str:
    return reference.subject_name(value, locale) if value in reference.subjects() else ""


def region_label(value: str, locale: str) -> str:
    return reference.region_name(value) if value in reference.regions() else ""


LABELS = {"kind": kind_label, "access": access_label, "subject": subject_label, "region": region_label}
