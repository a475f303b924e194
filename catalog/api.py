"""Read-only JSON for the public catalog under ``/api/v1/catalog`` (same visibility as the pages).

Every operation is declared with ``core.openapi.operation``: its schemas validate the query and describe the
answer in ``/api/v1/openapi.json``.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from catalog import calendar, queries, reference, services, snapshot, tariffs
from catalog.models import Item, ItemKind
from core import clock, openapi
from core.errors import NotFound

api = Blueprint("catalog_api", __name__, url_prefix="/api/v1")

KINDS = [kind.value for kind in ItemKind]
_CODE = validate.Regexp(r"^[A-Za-z0-9._-]{1,40}$")


class ItemsQuery(openapi.PageQuery):
    kind = fields.String(validate=validate.OneOf(KINDS), metadata={
        "description": "table, publication, microdata or map",
        "invalid": _l("kind must be one of table, publication, microdata, map.")})
    subject = fields.String(validate=_CODE, metadata={"description": "Subject code (its sub-subjects too)",
                                                      "invalid": _l("Unknown subject code.")})
    region = fields.String(validate=_CODE, metadata={"description": "Region code (a province: its regencies too)",
                                                     "invalid": _l("Unknown region code.")})
    year = fields.Integer(validate=validate.Range(1900, 2100), metadata={
        "description": "Year of the data", "invalid": _l("year must be a number between 1900 and 2100.")})
    q = fields.String(validate=validate.Length(max=200), metadata={
        "description": "Words in the title", "invalid": _l("q is at most 200 characters.")})


class PriceSchema(Schema):
    amount = fields.Integer(allow_none=True, required=True)
    per_unit = fields.Boolean(required=True)
    free = fields.Boolean(required=True)


class ItemSummarySchema(Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True, metadata={"description": "The item's page"})
    api_url = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    title_id = fields.String(required=True)
    title_en = fields.String(required=True)
    subject = fields.String(required=True)
    region = fields.String(required=True)
    year = fields.Integer(required=True)
    reference_period = fields.String(required=True)
    access = fields.String(required=True, validate=validate.OneOf(["free", "paid", "restricted"]))
    price = fields.Integer(required=True, metadata={"description": "Price of one unit in rupiah (see the tariff)"})
    version = fields.Integer(required=True)
    released_at = fields.DateTime(required=True, allow_none=True)


class ItemListSchema(openapi.Paging):
    items = fields.List(fields.Nested(ItemSummarySchema), required=True)


class VersionSchema(Schema):
    number = fields.Integer(required=True)
    changelog = fields.String(required=True)
    at = fields.DateTime(required=True)


class FileSchema(Schema):
    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)


class VariableSchema(Schema):
    name = fields.String(required=True)
    label = fields.String(required=True)
    type = fields.String(required=True)


class ItemSchema(ItemSummarySchema):
    abstract_id = fields.String(required=True)
    abstract_en = fields.String(required=True)
    keywords = fields.List(fields.Raw(), required=True)
    unit = fields.String(required=True)
    region_path = fields.List(fields.String(), required=True)
    tariff = fields.Dict(required=True)
    versions = fields.List(fields.Nested(VersionSchema), required=True)
    files = fields.List(fields.Nested(FileSchema), required=True)
    variables = fields.List(fields.Nested(VariableSchema), required=True)


def summary(item: Item) -> dict:
    """An item's summary as the API and the harvesting endpoints show it."""
    return {"id": item.id, "url": openapi.absolute(f"/catalog/{item.id}"),
            "api_url": openapi.absolute(f"/api/v1/catalog/items/{item.id}"), "kind": item.kind.value,
            "title_id": item.title_id, "title_en": item.title_en,
            "subject": item.subject_code, "region": item.region_code, "year": item.year,
            "reference_period": item.reference_period, "access": item.access.value,
            "price": tariffs.headline(item.tariff_kind, item.tariff), "version": item.version,
            "released_at": item.release_at.isoformat() if item.release_at else None}


@api.get("/catalog/items")
@openapi.operation(summary=_l("Public catalog items, newest release first, with the site's filters"),
                   tags=["catalog"], query=ItemsQuery, response=ItemListSchema, public=True,
                   headers={"Link": {"description": "first, prev, next and last pages (RFC 8288)",
                                     "schema": {"type": "string"}}})
def items(query):
    filters = queries.BrowseFilters(kind=query.get("kind", ""), subject=query.get("subject", ""),
                                    region=query.get("region", ""), year=query.get("year"),
                                    q=query.get("q", "").strip())
    page = queries.browse_page(filters, lambda: snapshot.count(filters), page=query["page"],
                               per_page=query["per_page"])
    members, headers = openapi.paging(page.total, query["page"], query["per_page"])
    response = jsonify(items=[summary(item) for item in page.items], **members)
    response.headers.update(headers)
    return response


@api.get("/catalog/items/<int:item_id>")
@openapi.operation(summary=_l("One public item: abstract, tariff, versions, files and variables"),
                   tags=["catalog"], query=openapi.LanguageQuery, response=ItemSchema, public=True, etag=True)
def item(item_id: int, query):
    found = services.get_viewable(item_id)
    if not found.is_public():
        raise NotFound()  # withdrawn: the page explains it; the API simply no longer offers it
    return {**summary(found), "abstract_id": found.abstract_id, "abstract_en": found.abstract_en,
            "keywords": found.keywords, "unit": found.unit,
            "region_path": list(reference.region_path(found.region_code)),
            "tariff": {"kind": found.tariff_kind.value, **found.tariff},
            "versions": [{"number": v.number, "changelog": v.changelog, "at": v.created_at.isoformat()}
                         for v in found.versions],
            "files": [{"id": f.id, "filename": f.filename, "content_type": f.content_type, "size": f.size,
                       "sha256": f.sha256} for f in services.visible_files(found)],
            "variables": [{"name": v.name, "label": v.label, "type": v.var_type} for v in found.variables]}


class CalendarQuery(openapi.LanguageQuery):
    year = fields.Integer(validate=validate.Range(1900, 2100), metadata={
        "description": "Year (default: this year)", "invalid": _l("year must be a number between 1900 and 2100.")})
    month = fields.Integer(validate=validate.Range(1, 12), metadata={
        "description": "Month 1-12 (default: this month)", "invalid": _l("month must be a number from 1 to 12.")})


class ReleaseSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    release_at = fields.DateTime(required=True)
    released = fields.Boolean(required=True)
    url = fields.String(required=True, allow_none=True)


class CalendarSchema(Schema):
    year = fields.Integer(required=True)
    month = fields.Integer(required=True)
    releases = fields.List(fields.Nested(ReleaseSchema), required=True)


@api.get("/calendar")
@openapi.operation(summary=_l("The release calendar of one month (released and announced items)"),
                   tags=["catalog"], query=CalendarQuery, response=CalendarSchema, public=True)
def release_calendar(query):
    from flask_babel import get_locale

    today = clock.now()
    year, month = query.get("year", today.year), query.get("month", today.month)
    locale = str(get_locale() or "id")
    start, end = calendar.month_bounds(year, month)
    releases = [{"id": item.id, "kind": item.kind.value, "title": item.title(locale),
                 "release_at": item.release_at.isoformat(), "released": item.is_public(),
                 "url": openapi.absolute(f"/api/v1/catalog/items/{item.id}") if item.is_public() else None}
                for item in calendar.releases_between(start, end)]
    return {"year": year, "month": month, "releases": releases}
