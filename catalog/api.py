"""Read-only JSON for the public catalog under ``/api/v1/catalog`` (same visibility as the pages)."""

from __future__ import annotations

from flask import Blueprint, request

from catalog import queries, reference, services, tariffs
from catalog.models import Item
from core.errors import NotFound
from core.pagination import paginate

api = Blueprint("catalog_api", __name__, url_prefix="/api/v1/catalog")


def _summary(item: Item) -> dict:
    return {"id": item.id, "kind": item.kind.value, "title_id": item.title_id, "title_en": item.title_en,
            "subject": item.subject_code, "region": item.region_code, "year": item.year,
            "reference_period": item.reference_period, "access": item.access.value,
            "price": tariffs.headline(item.tariff_kind, item.tariff), "version": item.version,
            "released_at": item.release_at.isoformat() if item.release_at else None}


@api.get("/items")
def items():
    page = paginate(queries.browse_query(queries.BrowseFilters.from_args(request.args)))
    return {"items": [_summary(item) for item in page.items], "page": page.page, "pages": page.pages,
            "total": page.total}


@api.get("/items/<int:item_id>")
def item(item_id: int):
    found = services.get_viewable(item_id)
    if not found.is_public():
        raise NotFound()  # withdrawn: the page explains it; the API simply no longer offers it
    return {**_summary(found), "abstract_id": found.abstract_id, "abstract_en": found.abstract_en,
            "keywords": found.keywords, "unit": found.unit, "region_path": reference.region_path(found.region_code),
            "tariff": {"kind": found.tariff_kind.value, **found.tariff},
            "versions": [{"number": v.number, "changelog": v.changelog, "at": v.created_at.isoformat()}
                         for v in found.versions],
            "files": [{"id": f.id, "filename": f.filename, "content_type": f.content_type, "size": f.size,
                       "sha256": f.sha256} for f in services.visible_files(found)],
            "variables": [{"name": v.name, "label": v.label, "type": v.var_type} for v in found.variables]}
