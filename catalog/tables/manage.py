"""The producer's import of table data: upload → map → preview → publish.

The upload (a file or pasted text) is kept in ``core.storage`` and remembered in the producer's
session until it is published or replaced, so a problem never loses it: the map page reads it
again, lists every problem with its row and column, and publishes only a draft without
problems, in one transaction (``services.publish``).
"""

from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from catalog import services as catalog_services
from catalog.models import ItemKind
from catalog.permissions import EDITOR_ROLES
from catalog.tables import imports, services
from catalog.tables.cube import ROLE_LABELS, ROLES
from catalog.tables.formats import records
from core.errors import Conflict, DomainError, Invalid, form_failed
from core.forms import ActionForm, submitted
from core.permissions import roles_required
from core.storage import get_storage
from core.uploads import CSV, TEXT, XLSX, check_upload

manage = Blueprint("catalog_tables_manage", __name__,
                   url_prefix="/catalog/manage")
ACCEPTED = frozenset({CSV, TEXT, XLSX})
PREFIX = "table-imports"
PREVIEW_CELLS = 20


def _user():
    return current_user._get_current_object()


def _table_item(item_id: int):
    item = catalog_services.get_editable(_user(), item_id)
    if item.kind is not ItemKind.TABLE:
        raise Conflict(_("Only a table item holds table data."))
    return item


def _session_key(item_id: int) -> str:
    return f"table_import_{item_id}"


def _remember(item_id: int, data: bytes, filename: str, fmt: str) -> None:
    old = session.get(_session_key(item_id))
    stored = get_storage().save(io.BytesIO(data), prefix=PREFIX)
    session[_session_key(item_id)] = {"key": stored.key, "filename": filename, "fmt": fmt}
    if old and str(old.get("key", "")).startswith(PREFIX + "/"):
        get_storage().delete(old["key"])


def _upload(item_id: int) -> tuple[dict, bytes] | None:
    found = session.get(_session_key(item_id))
    if not found or not str(found.get("key", "")).startswith(PREFIX + "/") or not get_storage().exists(found["key"]):
        return None
    with get_storage().open(found["key"]) as handle:
        return found, handle.read()


def _context(item, **extra) -> dict:
    return {"item": item, "versions": services.versions(item.id), "frozen": services.is_frozen(item),
            "formats": imports.FORMATS, "action": ActionForm(), **extra}


@manage.get("/<int:item_id>/table")
@roles_required(*EDITOR_ROLES)
def upload_form(item_id: int):
    item = _table_item(item_id)
    return render_template("catalog/tables/import.html", **_context(item))


@manage.post("/<int:item_id>/table")
@roles_required(*EDITOR_ROLES)
def upload(item_id: int):
    item = _table_item(item_id)
    submitted(ActionForm())
    fmt = request.form.get("format", "auto")
    if fmt not in imports.FORMATS:
        fmt = "auto"
    pasted = request.form.get("pasted", "")
    try:
        if pasted.strip():
            data, filename = pasted.encode(), "pasted.csv"
        else:
            checked = check_upload(request.files.get("file"), allowed=ACCEPTED)
            data, filename = checked.upload.stream.read(), checked.filename
    except DomainError as exc:
        return form_failed(exc, "catalog/tables/import.html", **_context(item, pasted=pasted))
    _remember(item.id, data, filename, fmt)
    return redirect(url_for("catalog_tables_manage.mapping", item_id=item.id))


def _mapping_from_form(reading: imports.Reading) -> records.Mapping:
    """The mapping the producer sent; every field left out keeps what was proposed (``reading.mapping``)."""
    form, proposed = request.form, reading.mapping
    header = reading.header
    layout = proposed.layout
    mapping = records.Mapping(layout=layout)
    leading = form.get("leading", "")
    count = len(header) if layout == "tidy" else int(leading) if leading.isdigit() else len(proposed.columns)
    count = max(1, min(count, len(header) or 1, 50))
    allowed = _roles_for(header, layout)
    for index in range(count):
        default = proposed.columns[index] if index < len(proposed.columns) else "ignore"
        role = form.get(f"col_{index}", default)
        mapping.columns.append(role if role in allowed else "ignore")
    mapping.across = (form.get("across", proposed.across) or "").strip()[:80]
    for code in mapping.dimension_codes():
        role = form.get(f"role_{code}", proposed.roles.get(code, "other"))
        mapping.roles[code] = role if role in ROLES else "other"
        labels = proposed.labels.get(code, {})
        label_id = (form.get(f"label_id_{code}") or labels.get("id") or code).strip()[:300]
        mapping.labels[code] = {"id": label_id, "en": (form.get(f"label_en_{code}") or labels.get("en") or label_id)
                                .strip()[:300]}
    mapping.unit = {"id": form.get("unit_id", proposed.unit.get("id", "")).strip()[:160],
                    "en": form.get("unit_en", proposed.unit.get("en", "")).strip()[:160]}
    decimals = form.get("decimals", str(proposed.decimals))
    mapping.decimals = int(decimals) if decimals.isdigit() and int(decimals) <= 6 else 0
    mapping.source = {"id": form.get("source_id", proposed.source.get("id", "")).strip()[:300],
                      "en": form.get("source_en", proposed.source.get("en", "")).strip()[:300]}
    return mapping


def _roles_for(header: list[str], layout: str) -> list[str]:
    names = [h.strip() for h in header if h.strip()]
    roles = ["ignore", *(f"dim:{n}" for n in names), *(f"label:{n}" for n in names)]
    if layout == "tidy":
        roles += ["value", "symbol", "note"]
    return roles


def _render(item, stored: dict, reading: imports.Reading, status: int = 200, **extra):
    draft = reading.draft
    sample = draft.sample(PREVIEW_CELLS)
    return render_template("catalog/tables/map.html", **_context(
        item, stored=stored, reading=reading, draft=draft, sample=sample, roles=ROLES, role_labels=ROLE_LABELS,
        column_roles=_roles_for(reading.header, reading.mapping.layout) if reading.mapping else [], **extra)), status


@manage.route("/<int:item_id>/table/map", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def mapping(item_id: int):
    item = _table_item(item_id)
    found = _upload(item.id)
    if found is None:
        flash(_("Upload the table first."), "warning")
        return redirect(url_for("catalog_tables_manage.upload_form", item_id=item.id))
    stored, data = found
    reading = imports.read(data, stored["fmt"], stored["filename"])
    if request.method == "GET":
        return _render(item, stored, reading, 200 if reading.draft.ok else 422)
    submitted(ActionForm())
    if reading.mapping is not None:
        layout = request.form.get("layout", reading.mapping.layout)
        if layout in ("tidy", "wide") and layout != reading.mapping.layout:
            reading = imports.read(data, stored["fmt"], stored["filename"], layout=layout)  # propose afresh
            return _render(item, stored, reading, 200 if reading.draft.ok else 422)
        reading = imports.read(data, stored["fmt"], stored["filename"], mapping=_mapping_from_form(reading))
    changelog = request.form.get("changelog", "")
    if request.form.get("do") != "publish" or not reading.draft.ok:
        return _render(item, stored, reading, 200 if reading.draft.ok else 422, changelog=changelog)
    try:
        version = services.publish(_user(), item.id, reading.draft, changelog)
    except DomainError as exc:
        if isinstance(exc, Invalid):
            flash(str(exc.message), "danger")
            return _render(item, stored, reading, exc.status, changelog=changelog,
                           changelog_error=exc.errors.get("changelog"))
        raise
    get_storage().delete(stored["key"])
    session.pop(_session_key(item.id), None)
    flash(_("Version %(n)s of the table has been published (%(cells)s cells).", n=version.number,
            cells=version.cell_count), "success")
    return redirect(url_for("catalog_manage.detail", item_id=item.id))
