"""How the public catalog maps onto the harvesting vocabularies (CKAN datasets and DCAT-AP), shared by
``api/ckan.py`` and ``api/dcat.py``: items are datasets, files are resources/distributions, producing
units are organizations/publishers and top-level subjects are groups/themes.

Only public items appear (``Item.public_clause``): drafts, scheduled items not yet due and withdrawn items
never do.
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from catalog import reference, services
from catalog.models import Item
from core import openapi
from core.extensions import db


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:90] or "unit"


def dataset_name(item: Item) -> str:
    return f"item-{item.id}"


def item_id_of(name: str) -> int | None:
    """The item id a dataset name or id stands for (``item-7`` or ``7``)."""
    match = re.fullmatch(r"(?:item-)?(\d{1,9})", (name or "").strip())
    return int(match.group(1)) if match else None


def top_subject(code: str) -> str:
    return code.split(".")[0]


def subject_title(code: str) -> str:
    subject = reference.subjects().get(code)
    return subject.name_id if subject else code


def public_items():
    return sa.select(Item).where(Item.public_clause())


def public_item(item_id: int | None) -> Item | None:
    if item_id is None:
        return None
    return db.session.scalar(public_items().where(Item.id == item_id)
                             .options(selectinload(Item.files)))


def units() -> list[str]:
    return list(db.session.scalars(sa.select(Item.unit).where(Item.public_clause()).distinct().order_by(Item.unit)))


def subjects() -> list[str]:
    codes = db.session.scalars(sa.select(Item.subject_code).where(Item.public_clause()).distinct())
    return sorted({top_subject(code) for code in codes})


def files_of(item: Item) -> list[dict]:
    return [{"id": f"{item.id}-{f.id}", "name": f.filename, "url": openapi.absolute(f"/catalog/{item.id}/files/{f.id}"),
             "mimetype": f.content_type, "size": f.size, "hash": f"sha256:{f.sha256}",
             "format": (f.filename.rsplit(".", 1)[-1].upper() if "." in f.filename else "")}
            for f in services.visible_files(item)]


def page_url(item: Item) -> str:
    return openapi.absolute(f"/catalog/{item.id}")
