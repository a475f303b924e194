"""``flask catalog import FILE``: bring an existing catalog over from CSV or JSON.

Every row is validated before anything is written.  A file with bad rows imports
nothing (each bad row is reported with its line number and reason) unless the
caller asks to skip them.  Rows carry a ``ref`` (the old system's key); a ref that
already exists is reported as a bad row, so running the same file twice adds nothing.

Columns / keys: ``ref, kind, title_id, title_en, abstract_id, abstract_en, keywords``
(``;``-separated), ``subject, region, year, reference_period, unit, access``,
``tariff_kind, price`` (flat or per unit), ``brackets`` (``1:500000;11:300000``),
``status`` (draft, scheduled or released), ``release_at`` (ISO 8601 with offset),
``variables`` (``name:label:type`` separated by ``;``), ``files`` (paths of the item's files, relative to
the import file's folder, separated by ``;``; each is checked like an upload and stored with the item).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _

from catalog import services, tariffs
from catalog.models import Item, ItemFile, ItemVersion, ReleaseStatus, TariffKind
from core import audit, spreadsheets
from core.extensions import db
from core.input_guard import has_forbidden
from search_index.indexing import mark_changed

IMPORT_STATUSES = ("draft", "scheduled", "released")
CSV_FIELD_LIMIT = spreadsheets.CSV_FIELD_LIMIT  # a field may be as long as an abstract (set by core.spreadsheets)


@dataclass
class Row:
    line: int
    ref: str
    data: services.ItemData | None
    status: str
    release_at: datetime | None
    errors: list[str]
    files: list[Path] = field(default_factory=list)


def read_rows(path: Path) -> list[tuple[int, dict]]:
    """``(line number, record)`` pairs; CSV lines count the header as line 1, JSON records from 1."""
    if path.suffix.lower() == ".json":
        records = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(records, list):
            raise ValueError(_("A JSON import file holds a list of objects."))
        return [(index, record if isinstance(record, dict) else {}) for index, record in enumerate(records, 1)]
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(_csv_lines(handle))


def _csv_lines(handle):
    reader = csv.DictReader(handle)
    try:
        for record in reader:
            yield reader.line_num, record
    except csv.Error as exc:  # DictReader.line_num lags behind on a failed line; its inner reader's does not
        raise ValueError(_("line %(line)d: a field is longer than %(limit)d characters or a quote is not closed",
                           line=max(reader.reader.line_num, 1), limit=csv.field_size_limit())) from exc


def _text(record: dict, key: str) -> str:
    value = record.get(key)
    return "" if value is None else str(value).strip()


def _tariff(kind: str, record: dict) -> dict:
    price = _text(record, "price")
    if kind in (TariffKind.FLAT.value, TariffKind.PER_UNIT.value):
        number = int(price) if price.isdigit() else None
        return {"price": number} if kind == TariffKind.FLAT.value else {"unit_price": number}
    if kind == TariffKind.REGRESSIVE.value:
        pairs = []
        for part in filter(None, _text(record, "brackets").split(";")):
            quantity, _sep, unit_price = part.partition(":")
            pairs.append([int(quantity) if quantity.strip().isdigit() else None,
                          int(unit_price) if unit_price.strip().isdigit() else None])
        return {"brackets": pairs}
    return {}


def _files(record: dict, base: Path | None, errors: list[str]) -> list[Path]:
    """The item's files (``files``, relative to ``base``), each checked as an upload would be."""
    from werkzeug.datastructures import FileStorage

    from core.uploads import UploadError, check_upload

    found = []
    for name in filter(None, (part.strip() for part in _text(record, "files").split(";"))):
        path = (base / name).resolve() if base else None
        if path is None or base.resolve() not in path.parents or not path.is_file():
            errors.append(_("the file %(name)s is not in the import folder", name=name))
            continue
        with path.open("rb") as handle:
            try:
                check_upload(FileStorage(handle, filename=path.name), allowed=services.ITEM_FILE_TYPES)
            except UploadError as exc:
                errors.append(exc.message)
                continue
        found.append(path)
    return found


def parse(line: int, record: dict, known_refs: set[str], base: Path | None = None) -> Row:
    errors = []
    ref = _text(record, "ref")
    if any(has_forbidden(str(value)) for value in [*record.keys(), *record.values()] if value is not None):
        errors.append(_("the row holds control characters (such as a NUL byte)"))
    if not ref:
        errors.append(_("ref is missing"))
    elif len(ref) > 80:
        errors.append(_("ref may have at most 80 characters"))
    elif ref in known_refs:
        errors.append(_("ref %(ref)s already exists or repeats", ref=ref))
    year = _text(record, "year")
    tariff_kind = _text(record, "tariff_kind") or "none"
    keywords = _text(record, "keywords")
    variables = [tuple((part.split(":") + ["", ""])[:3])
                 for part in filter(None, _text(record, "variables").split(";"))]
    data = services.ItemData(
        kind=_text(record, "kind"), title_id=_text(record, "title_id"), title_en=_text(record, "title_en"),
        abstract_id=_text(record, "abstract_id"), abstract_en=_text(record, "abstract_en"),
        keywords=keywords.split(";") if keywords else [], subject_code=_text(record, "subject"),
        region_code=_text(record, "region"), year=int(year) if year.isdigit() else None,
        reference_period=_text(record, "reference_period"), unit=_text(record, "unit"),
        access=_text(record, "access") or "free", tariff_kind=tariff_kind, tariff=_tariff(tariff_kind, record),
        coverage_region=_text(record, "coverage_region"),
        variables=[(n, lbl, t or "numeric") for n, lbl, t in variables])
    errors.extend(services.problems(data))
    status = _text(record, "status") or "draft"
    release_at = None
    if status not in IMPORT_STATUSES:
        errors.append(_("status must be one of %(statuses)s", statuses=", ".join(IMPORT_STATUSES)))
    raw = _text(record, "release_at")
    if raw:
        try:
            release_at = datetime.fromisoformat(raw)
        except ValueError:
            errors.append(_("release_at %(value)s is not an ISO 8601 date and time", value=repr(raw[:40])))
        else:
            if release_at.tzinfo is None:
                errors.append(_("release_at needs a time-zone offset (e.g. +07:00)"))
    if status in ("scheduled", "released") and release_at is None and not raw:
        errors.append(_("a %(status)s item needs release_at", status=status))
    return Row(line, ref, data, status, release_at, errors, _files(record, base, errors))


def validate(path: Path) -> list[Row]:
    known = set(db.session.scalars(sa.select(Item.ref).where(Item.ref.is_not(None))))
    rows = []
    for line, record in read_rows(path):
        row = parse(line, record, known, path.parent)
        known.add(row.ref)
        rows.append(row)
    return rows


def store(rows: list[Row]) -> int:
    """Insert the good rows in one transaction; returns how many."""
    good = insert(rows)
    audit.record("catalog.imported", None, None, items=good)
    db.session.commit()
    return good


def insert(rows: list[Row], store_files: bool = True) -> int:
    """Add the good rows to the session (the caller commits; ``legacy`` imports items this way); how many.

    The files go to storage now (``store_files=False`` for a dry run that will roll back).
    """
    good = [row for row in rows if not row.errors]
    for row in good:
        item = Item(ref=row.ref, version=1, status=ReleaseStatus(row.status), release_at=row.release_at)
        services._apply(item, row.data)
        item.tariff = tariffs.validated(item.tariff_kind, item.tariff)
        item.versions = [ItemVersion(number=1, changelog="Imported.")]
        db.session.add(item)
        db.session.flush()
        if store_files:
            _store_files(item, row.files)
        mark_changed(services.SOURCE, item.id)
    return len(good)


def _store_files(item: Item, paths: list[Path]) -> None:
    from werkzeug.datastructures import FileStorage

    from core.storage import get_storage
    from core.uploads import check_upload

    for path in paths:
        with path.open("rb") as handle:
            checked = check_upload(FileStorage(handle, filename=path.name), allowed=services.ITEM_FILE_TYPES)
            stored = get_storage().save(checked.upload.stream, prefix="catalog")
        item.files.append(ItemFile(version=item.version, storage_key=stored.key, filename=checked.filename,
                                   content_type=checked.content_type, size=stored.size, sha256=stored.sha256))
