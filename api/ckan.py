"""A read-only CKAN-compatible action API under ``/api/3/action/`` (and CKAN's unversioned ``/api/action/``)
for harvesters and the ``ckanapi`` client.

Actions: ``status_show``, ``package_list``, ``package_search`` (``q``, ``fq``, ``rows``, ``start``, ``sort``),
``package_show`` (``id``: the dataset's id or name), ``organization_list``, ``group_list``
(``all_fields``). Arguments come as query parameters (GET) or a JSON object (POST, as ``ckanapi`` sends
them). Answers and errors have CKAN's shape (``{"help", "success", "result"}`` /
``{"success": false, "error": {"__type", "message"}}``), because that is what harvesters parse; this is
the one part of ``/api/`` that does not answer problem documents.

``fq`` understands ``field:value`` terms (AND-ed) on ``organization``, ``groups``, ``tags``, ``res_format``,
``name`` and ``id``; a value may be quoted.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from api import harvest
from catalog.models import Item, ItemFile
from core import openapi
from core.extensions import db

bp = Blueprint("api_ckan", __name__, url_prefix="/api")
METHODS = ["GET", "POST"]

CKAN_VERSION = "2.10.4"
MAX_ROWS = 1000
_TERM = re.compile(r'([a-z_]+):("([^"]*)"|(\S+))')


class ActionError(Exception):
    def __init__(self, kind: str, message: str, status: int):
        super().__init__(message)
        self.kind, self.message, self.status = kind, message, status


def _args() -> dict:
    if request.method == "POST":
        body = request.get_json(silent=True)
        if body is None and request.form:
            body = request.form.to_dict()
        if not isinstance(body, dict):
            raise ActionError("Validation Error", _("Send the arguments as a JSON object."), 400)
        return body
    return request.args.to_dict()


def _answer(action: str, result):
    return jsonify(help=openapi.absolute(f"/api/3/action/help_show?name={action}"), success=True, result=result)


def _refused(action: str, exc: ActionError):
    response = jsonify(help=openapi.absolute(f"/api/3/action/help_show?name={action}"), success=False,
                       error={"__type": exc.kind, "message": exc.message})
    response.status_code = exc.status
    return response


def _run(action: str, work):
    try:
        return _answer(action, work(_args()))
    except ActionError as exc:
        return _refused(action, exc)


def _number(args: dict, name: str, default: int, most: int) -> int:
    raw = args.get(name, default)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ActionError("Validation Error", _("%(name)s must be a whole number.", name=name), 409) from None
    if value < 0:
        raise ActionError("Validation Error", _("%(name)s must not be negative.", name=name), 409)
    return min(value, most)


def organization(unit: str) -> dict:
    return {"id": harvest.slug(unit), "name": harvest.slug(unit), "title": unit, "type": "organization",
            "state": "active", "is_organization": True, "description": "", "image_url": ""}


def group(code: str) -> dict:
    return {"id": code, "name": code, "title": harvest.subject_title(code), "display_name": harvest.subject_title(code),
            "type": "group", "state": "active", "is_organization": False, "description": ""}


def package(item: Item) -> dict:
    name = harvest.dataset_name(item)
    resources = [{**entry, "package_id": str(item.id), "position": position, "state": "active",
                  "resource_type": "file", "url_type": None}
                 for position, entry in enumerate(harvest.files_of(item))]
    modified = (item.updated_at or item.release_at).isoformat()
    return {
        "id": str(item.id), "name": name, "title": item.title_id, "title_en": item.title_en,
        "notes": item.abstract_id, "notes_en": item.abstract_en, "type": "dataset", "state": "active",
        "private": False, "isopen": item.access.value == "free", "url": harvest.page_url(item),
        "license_id": "other-open" if item.access.value == "free" else "other-closed",
        "metadata_created": item.release_at.isoformat() if item.release_at else modified,
        "metadata_modified": modified, "version": str(item.version),
        "owner_org": harvest.slug(item.unit), "organization": organization(item.unit),
        "groups": [group(harvest.top_subject(item.subject_code))],
        "tags": [{"name": str(word), "display_name": str(word), "state": "active"} for word in item.keywords],
        "num_tags": len(item.keywords), "resources": resources, "num_resources": len(resources),
        "extras": [{"key": "kind", "value": item.kind.value}, {"key": "year", "value": str(item.year)},
                   {"key": "region", "value": item.region_code}, {"key": "subject", "value": item.subject_code},
                   {"key": "reference_period", "value": item.reference_period},
                   {"key": "access", "value": item.access.value}],
    }


def _filtered(query, fq: str):
    for match in _TERM.finditer(fq or ""):
        field, value = match.group(1), match.group(3) if match.group(3) is not None else match.group(4)
        if field == "organization":
            names = [unit for unit in harvest.units() if harvest.slug(unit) == value]
            query = query.where(Item.unit.in_(names) if names else sa.false())
        elif field == "groups":
            query = query.where(sa.or_(Item.subject_code == value,
                                       Item.subject_code.startswith(value + ".", autoescape=True)))
        elif field in ("name", "id"):
            query = query.where(Item.id == (harvest.item_id_of(value) or -1))
        elif field == "tags":
            query = query.where(sa.cast(Item.keywords, sa.String).contains(f'"{value}"'))
        elif field == "res_format":
            query = query.where(Item.files.any(ItemFile.filename.ilike(f"%.{value}", escape="\\")))
        else:
            raise ActionError("Search Query Error", _("Cannot filter by %(field)s.", field=field), 409)
    return query


def _searched(query, text: str):
    text = (text or "").strip()
    if text in ("", "*:*"):
        return query
    for word in text.split()[:8]:
        pattern = f"%{word}%"
        query = query.where(sa.or_(Item.title_id.ilike(pattern), Item.title_en.ilike(pattern),
                                   Item.abstract_id.ilike(pattern), Item.abstract_en.ilike(pattern)))
    return query


@bp.route("/3/action/status_show", methods=METHODS)
@bp.route("/action/status_show", methods=METHODS)  # ckanapi's unversioned address
def status_show():
    return _run("status_show", lambda args: {
        "ckan_version": CKAN_VERSION, "site_title": "Statdesk", "site_url": openapi.base_url(),
        "site_description": "", "locale_default": "id", "extensions": []})


@bp.route("/3/action/package_list", methods=METHODS)
@bp.route("/action/package_list", methods=METHODS)  # ckanapi's unversioned address
def package_list():
    def work(args):
        limit = _number(args, "limit", 10**9, 10**9)
        offset = _number(args, "offset", 0, 10**9)
        ids = db.session.scalars(sa.select(Item.id).where(Item.public_clause()).order_by(Item.id)
                                 .limit(limit).offset(offset))
        return [f"item-{item_id}" for item_id in ids]

    return _run("package_list", work)


@bp.route("/3/action/package_search", methods=METHODS)
@bp.route("/action/package_search", methods=METHODS)  # ckanapi's unversioned address
def package_search():
    def work(args):
        rows = _number(args, "rows", 10, MAX_ROWS)
        start = _number(args, "start", 0, 10**9)
        query = _searched(_filtered(harvest.public_items(), str(args.get("fq", ""))), str(args.get("q", "")))
        count = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
        order = (Item.release_at.desc(), Item.id.desc())
        if str(args.get("sort", "")).startswith("metadata_modified"):
            order = (Item.updated_at.desc(), Item.id.desc())
        elif str(args.get("sort", "")).startswith("name"):
            order = (Item.id,)
        found = db.session.scalars(query.options(selectinload(Item.files)).order_by(*order)
                                   .limit(rows).offset(start))
        return {"count": count, "results": [package(item) for item in found], "sort": args.get("sort", ""),
                "facets": {}, "search_facets": {}}

    return _run("package_search", work)


@bp.route("/3/action/package_show", methods=METHODS)
@bp.route("/action/package_show", methods=METHODS)  # ckanapi's unversioned address
def package_show():
    def work(args):
        item = harvest.public_item(harvest.item_id_of(str(args.get("id", ""))))
        if item is None:
            raise ActionError("Not Found Error", _("No such dataset."), 404)
        return package(item)

    return _run("package_show", work)


@bp.route("/3/action/organization_list", methods=METHODS)
@bp.route("/action/organization_list", methods=METHODS)  # ckanapi's unversioned address
def organization_list():
    def work(args):
        units = harvest.units()
        if str(args.get("all_fields", "")).lower() in ("true", "1"):
            return [organization(unit) for unit in units]
        return [harvest.slug(unit) for unit in units]

    return _run("organization_list", work)


@bp.route("/3/action/group_list", methods=METHODS)
@bp.route("/action/group_list", methods=METHODS)  # ckanapi's unversioned address
def group_list():
    def work(args):
        codes = harvest.subjects()
        if str(args.get("all_fields", "")).lower() in ("true", "1"):
            return [group(code) for code in codes]
        return codes

    return _run("group_list", work)
