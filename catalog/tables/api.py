"""The table API under ``/api/v1/tables``: a table's metadata, and selections of its cells.

* ``GET /api/v1/tables/<item>``: dimensions with codes, labels in both languages, roles, values,
  units, footnotes and the list of versions.
* ``GET /api/v1/tables/<item>/data?<dimension>=<code>,…&format=jsonstat|csv|xlsx|px&v=<n>`` and
  ``POST`` of ``{"selection": {...}, "format": ..., "version": n}``: the cells of the selection;
  a dimension not named contributes every value.  JSON-stat 2.0 is the default.

Errors are problem documents (``core.errors``): 400 naming each unknown dimension or code (in
``errors``), 413 for a selection over ``STATDESK_TABLE_CELL_LIMIT`` cells, 404 for a table that is
not public, free and filled.  Answers carry ``ETag`` (the version, selection, format and language)
and ``Last-Modified`` (when the version was published), and honour ``If-None-Match`` and
``If-Modified-Since`` with 304.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, current_app, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from catalog import services as catalog_services
from catalog.models import Access, ItemKind
from catalog.tables import exports, services
from catalog.tables import request as selection_request
from catalog.tables.cube import SelectionError, label_of
from core import openapi, spreadsheets
from core.errors import Invalid, NotFound, TooLarge

api = Blueprint("catalog_tables_api", __name__, url_prefix="/api/v1/tables")


def _locale() -> str:
    return str(get_locale() or "id")


def public_table(item_id: int):
    """The item, if it is a public, free table; 404 otherwise (the same for a table that does not exist)."""
    item = catalog_services.fetch(item_id)
    if item is None or item.kind is not ItemKind.TABLE or not item.is_public() or item.access is not Access.FREE:
        raise NotFound()
    return item


def _version_number(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Invalid(_("The version must be a whole number."), errors={"version": [_("Not a number.")]}) from None
    if not 0 < number < 100_000:
        raise NotFound(_("This table has no version %(n)s.", n=number))
    return number


def check_size(size: int) -> None:
    limit = current_app.config["STATDESK_TABLE_CELL_LIMIT"]
    if size > limit:
        raise TooLarge(_("The selection has %(n)s cells; at most %(limit)s can be asked for at once.", n=size,
                         limit=limit), cells=size, limit=limit)


VERSION_INVALID = _l("The version must be a whole number.")


class MetadataQuery(openapi.LanguageQuery):
    v = openapi.fields.Integer(validate=openapi.validate.Range(1, 99_999), metadata={
        "description": "Version number (default: the latest)", "invalid": VERSION_INVALID})


class DataQuery(MetadataQuery):
    """Besides these, ``<dimension>=<code>,<code>…`` per dimension (a code ending in ``+`` adds what nests under
    it); a dimension not named contributes every value."""

    format = openapi.fields.String(validate=openapi.validate.OneOf(exports.FORMATS), metadata={
        "description": "jsonstat (JSON-stat 2.0, default), csv, xlsx or px", "invalid": _l("Unknown format.")})
    version = openapi.fields.Integer(validate=openapi.validate.Range(1, 99_999), metadata={
        "description": "Same as v", "invalid": VERSION_INVALID})
    rows = openapi.fields.String(metadata={"description": "Dimensions down the side, comma-separated"})
    cols = openapi.fields.String(metadata={"description": "Dimensions across, comma-separated"})


class SelectionBody(openapi.Schema):
    selection = openapi.fields.Dict(keys=openapi.fields.String(), values=openapi.fields.Raw(), metadata={
        "description": "dimension code -> the value code wanted, or a list of them"})
    format = openapi.fields.String(validate=openapi.validate.OneOf(exports.FORMATS))
    version = openapi.fields.Integer(validate=openapi.validate.Range(1, 99_999), allow_none=True)
    rows = openapi.fields.List(openapi.fields.String())
    cols = openapi.fields.List(openapi.fields.String())


class TableDimension(openapi.Schema):
    code = openapi.fields.String(required=True)
    label = openapi.fields.Raw(required=True)
    role = openapi.fields.String(required=True)
    size = openapi.fields.Integer(required=True)
    values = openapi.fields.List(openapi.fields.Dict(), required=True)


class TableMetadata(openapi.Schema):
    id = openapi.fields.Integer(required=True)
    title = openapi.fields.String(required=True)
    version = openapi.fields.Integer(required=True)
    published_at = openapi.fields.String(required=True)
    size = openapi.fields.List(openapi.fields.Integer(), required=True)
    dimensions = openapi.fields.List(openapi.fields.Nested(TableDimension), required=True)
    versions = openapi.fields.List(openapi.fields.Dict(), required=True)
    links = openapi.fields.Dict(required=True)


class JsonStatDataset(openapi.Schema):
    """A JSON-stat 2.0 dataset (https://json-stat.org/format/)."""

    version = openapi.fields.String(required=True)
    class_ = openapi.fields.String(required=True, data_key="class")
    id = openapi.fields.List(openapi.fields.String(), required=True)
    size = openapi.fields.List(openapi.fields.Integer(), required=True)
    value = openapi.fields.Raw(required=True)
    dimension = openapi.fields.Dict(required=True)


DATA_MEDIA = ("application/json", "text/csv", spreadsheets.XLSX_MEDIA_TYPE, "text/plain")


@api.get("/<int:item_id>")
@openapi.operation(summary=_l("A statistical table's dimensions, values, units, notes and versions"),
                   tags=["tables"], query=MetadataQuery, response=TableMetadata, public=True, etag=True)
def metadata(item_id: int, query):
    item = public_table(item_id)
    loaded = services.require(item.id, _version_number(request.args.get("v")))
    structure = loaded.structure
    locale = _locale()
    body = {"id": item.id, "title": item.title(locale), "title_id": item.title_id, "title_en": item.title_en,
            "version": loaded.version.number, "published_at": loaded.version.created_at.isoformat(),
            "changelog": loaded.version.changelog, "cells": loaded.version.cell_count,
            "revised_cells": loaded.version.revised_count, "size": structure.size,
            "unit": structure.unit, "decimals": structure.decimals, "source": structure.source,
            "contact": structure.contact, "notes": structure.notes,
            "dimensions": [{"code": d.code, "label": d.label, "role": d.role, "size": len(d.values),
                            "values": [v.to_json() for v in d.values]} for d in structure.dimensions],
            "versions": [{"number": v.number, "published_at": v.created_at.isoformat(), "changelog": v.changelog,
                          "revised_cells": v.revised_count}
                         for v in services.versions(item.id)],
            "links": {"data": url_for("catalog_tables_api.data", item_id=item.id, _external=True),
                      "viewer": url_for("catalog_tables.table", item_id=item.id, _external=True)},
            "label": label_of({"id": item.title_id, "en": item.title_en}, locale)}
    return _cached(Response(current_app.json.dumps(body), mimetype="application/json"), loaded, "meta")


@api.get("/<int:item_id>/data")
@openapi.operation(summary=_l("A selection of a table's cells as JSON-stat 2.0, CSV, XLSX or PC-Axis"),
                   tags=["tables"], query=DataQuery, response=JsonStatDataset, media_types=DATA_MEDIA,
                   errors=(413,), public=True, etag=True)
def data(item_id: int, query):
    return _data(item_id, {})


@api.post("/<int:item_id>/data")
@openapi.operation(summary=_l("A selection of a table's cells, sent as JSON (for selections too long for a URL)"),
                   tags=["tables"], body=SelectionBody, response=JsonStatDataset, media_types=DATA_MEDIA,
                   errors=(413,), public=True)
def data_post(item_id: int, body):
    return _data(item_id, body)


def _data(item_id: int, body: dict):
    item = public_table(item_id)
    if request.method == "POST":
        fmt = str(body.get("format") or request.args.get("format") or "jsonstat")
        number = _version_number(body.get("version", request.args.get("v")))
    else:
        fmt = request.args.get("format") or "jsonstat"
        number = _version_number(request.args.get("v") or request.args.get("version"))
    if fmt not in exports.FORMATS:
        raise Invalid(_("Unknown format %(format)s (jsonstat, csv, xlsx or px).", format=fmt[:20]),
                      errors={"format": [_("Unknown format.")]})
    loaded = services.require(item.id, number)
    try:
        if request.method == "POST":
            selection = selection_request.from_json(loaded.structure, body)
        else:
            selection = selection_request.from_args(loaded.structure, request.args, complete=True)
    except SelectionError as exc:
        raise Invalid(_("The selection names codes this table does not have."), errors=exc.errors) from None
    check_size(selection.size)
    locale = _locale()
    query = selection_request.query(loaded.structure, selection, loaded.version.number)
    tag = hashlib.sha256(f"{loaded.version.id}|{loaded.version.created_at.isoformat()}|{query}|{fmt}|{locale}"
                         .encode()).hexdigest()[:32]
    if _not_modified(loaded, tag):
        return _cached(Response(status=304), loaded, tag)
    link = url_for("catalog_tables.table", item_id=item.id, _external=True) + "?" + query
    extract = services.extract(item, loaded, selection, locale, link)
    response = Response(exports.render(extract, fmt), mimetype=exports.MEDIA_TYPES[fmt])
    if fmt != "jsonstat":
        response.headers["Content-Disposition"] = (f"attachment; filename=tabel-{item.id}-v{loaded.version.number}."
                                                   f"{exports.EXTENSIONS[fmt]}")
    return _cached(response, loaded, tag)


def _not_modified(loaded, tag: str) -> bool:
    if request.method != "GET":
        return False
    if request.if_none_match:
        return request.if_none_match.contains(tag)
    since = request.if_modified_since
    return since is not None and loaded.version.created_at.replace(microsecond=0) <= since


def _cached(response: Response, loaded, tag: str) -> Response:
    response.set_etag(tag if tag != "meta" else hashlib.sha256(
        f"{loaded.version.id}|{loaded.version.created_at.isoformat()}|{_locale()}".encode()).hexdigest()[:32])
    response.last_modified = loaded.version.created_at
    response.headers["Cache-Control"] = "public, max-age=300"
    response.vary.add("Accept-Language")
    return response
