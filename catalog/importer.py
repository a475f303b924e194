"""``flask catalog import FILE``: bring an existing catalog over from CSV or JSON.

The whole file is one transaction: a file with bad rows imports nothing (each bad
row is reported with its line number and reason) unless the caller asks to skip
them.  Rows carry a ``ref`` (the old system's key); a ref that already exists is
reported as a bad row, so running the same file twice adds nothing.

The file is streamed, never read whole: ``run`` validates ``BATCH`` rows at a time
(one query asks which of their refs exist; refs already written by this import are
found by that query too, since they are rows of the same transaction) and inserts
each good batch with bulk statements, so memory stays flat whatever the file's size.
Once committed, the new items reach the search index in one pass
(``search_index.indexing.index_now``), in bounded batches.

Columns / keys: ``ref, kind, title_id, title_en, abstract_id, abstract_en, keywords``
(``;``-separated), ``subject, region, year, reference_period, unit, access``,
``tariff_kind, price`` (flat or per unit), ``brackets`` (``1:500000;11:300000``),
``status`` (draft, scheduled or released), ``release_at`` (ISO 8601 with offset),
``variables`` (``name:label:type`` separated by ``;``), ``files`` (paths of the item's files, relative to
the import file's folder, separated by ``;``; each is checked like an upload and stored with the item).
"""

from __future__ import annotations

import csv
import io
import json
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _

from catalog import services, tariffs
from catalog.models import Access, Item, ItemFile, ItemKind, ItemVersion, ReleaseStatus, TariffKind, Variable
from core import audit, bulk, clock, spreadsheets
from core.extensions import db
from core.input_guard import has_forbidden
from search_index import indexing
from search_index.indexing import mark_changed

IMPORT_STATUSES = ("draft", "scheduled", "released")
BATCH = 2_000  # rows validated, and good rows inserted, at a time
JSON_CHUNK = 1 << 20  # characters of a JSON file read at a time
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
    with path.open("rb") as handle:
        return list(records(handle, path.suffix.lower() == ".json"))


def records(binary, is_json: bool) -> Iterator[tuple[int, dict]]:
    """The ``(line number, record)`` pairs of an open binary file, read as they are needed."""
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    if is_json:
        return ((index, record if isinstance(record, dict) else {})
                for index, record in enumerate(_json_records(text), 1))
    return _csv_lines(text)


def _json_records(handle) -> Iterator:
    """The elements of the JSON list in ``handle``, decoded one by one from chunks of the file."""
    decoder, buffer, position, done = json.JSONDecoder(), "", 0, False

    def more() -> bool:
        nonlocal buffer, position, done
        chunk = "" if done else handle.read(JSON_CHUNK)
        done = done or not chunk
        buffer, position = buffer[position:] + chunk, 0
        return bool(chunk)

    def next_char() -> str:
        nonlocal position
        while True:
            while position < len(buffer) and buffer[position].isspace():
                position += 1
            if position < len(buffer) or not more():
                return buffer[position] if position < len(buffer) else ""

    if next_char() != "[":
        raise ValueError(_("A JSON import file holds a list of objects."))
    position += 1
    if next_char() == "]":
        return
    while True:
        next_char()
        try:
            element, end = decoder.raw_decode(buffer, position)
            if end == len(buffer) and more():  # a number may go on in the next chunk
                continue
        except json.JSONDecodeError:
            if more():
                continue
            raise
        position = end
        yield element
        separator = next_char()
        position += 1
        if separator == "]":
            return
        if separator != ",":
            raise ValueError(_("A JSON import file holds a list of objects."))


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
    if has_forbidden("\n".join(str(value) for value in (*record.keys(), *record.values()) if value is not None)):
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


@dataclass
class Result:
    """What ``run`` did: rows read, bad rows, items written (and committed unless there were bad rows)."""

    rows: int = 0
    bad: int = 0
    item_ids: array = field(default_factory=lambda: array("q"))  # 8 bytes an item: flat enough at any size

    @property
    def imported(self) -> int:
        return len(self.item_ids)


def run(path: Path, skip_bad: bool = False, on_bad: Callable[[Row], None] = lambda row: None,
        progress: Callable[[int, int], None] = lambda size, rows: None) -> Result:
    """Import ``path`` in one transaction; commits unless a row is bad and ``skip_bad`` is not given.

    Each bad row goes to ``on_bad`` as it is found; after each batch ``progress`` is told how many more
    bytes of the file were read and how many rows they held.
    A file that cannot be read raises ``ValueError`` or ``UnicodeDecodeError`` and leaves nothing written.
    """
    result = Result()
    refused: set[str] = set()  # refs of bad rows (a later row with the same ref repeats it)
    seen: set[str] = set()  # refs of good rows not written because the file will be refused
    try:
        with path.open("rb") as raw:
            counted = _Counting(raw)
            stream = records(io.BufferedReader(counted), path.suffix.lower() == ".json")
            while batch := list(islice(stream, BATCH)):
                known = _existing_refs(batch) | refused | seen
                rows = []
                for line, record in batch:
                    row = parse(line, record, known, path.parent)
                    known.add(row.ref)
                    rows.append(row)
                good = [row for row in rows if not row.errors]
                for row in (row for row in rows if row.errors):
                    refused.add(row.ref)
                    on_bad(row)
                result.rows, result.bad = result.rows + len(rows), result.bad + len(rows) - len(good)
                if result.bad and not skip_bad:  # the file will be refused: check the rest, write nothing more
                    seen.update(row.ref for row in good)
                else:
                    result.item_ids.extend(insert_items(good))
                progress(counted.take(), len(rows))
    except BaseException:
        db.session.rollback()
        raise
    if result.bad and not skip_bad:
        db.session.rollback()
        result.item_ids = array("q")
        return result
    audit.record("catalog.imported", None, None, items=result.imported)
    db.session.commit()
    return result


def index_imported(result: Result, progress: Callable[[int], None] = lambda count: None) -> int:
    """Put the committed items of ``result`` into the search index in one pass; how many updates failed
    (those wait in ``search_pending`` for the retry sweep and are reported by ``flask search verify``)."""
    return indexing.index_now(services.SOURCE, iter(result.item_ids), progress=progress)


class _Counting(io.RawIOBase):
    """A binary file that counts the bytes read from it (the progress bar's measure)."""

    def __init__(self, raw):
        self.raw, self.read_bytes = raw, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        size = self.raw.readinto(buffer) or 0
        self.read_bytes += size
        return size

    def take(self) -> int:
        """The bytes read since the last call."""
        size, self.read_bytes = self.read_bytes, 0
        return size


def _existing_refs(batch: list[tuple[int, dict]]) -> set[str]:
    refs = sorted({_text(record, "ref") for _line, record in batch} - {""})
    return set(db.session.scalars(sa.select(Item.ref).where(Item.ref.in_(refs)))) if refs else set()


def insert(rows: list[Row], store_files: bool = True) -> int:
    """Add the good rows to the session (the caller commits; ``legacy`` imports items this way); how many.

    Each item is marked for the search index after the caller's commit.  The files go to storage now
    (``store_files=False`` for a dry run that will roll back).
    """
    ids = insert_items([row for row in rows if not row.errors], store_files)
    for item_id in ids:
        mark_changed(services.SOURCE, item_id)
    return len(ids)


def insert_items(rows: list[Row], store_files: bool = True) -> list[int]:
    """Insert good rows with bulk statements (items, first versions, variables, files); their new ids."""
    if not rows:
        return []
    now = clock.now()
    ids = bulk.insert_returning_ids(Item, [_item_values(row, now) for row in rows])
    db.session.execute(sa.insert(ItemVersion.__table__),
                       [{"item_id": item_id, "number": 1, "changelog": "Imported.", "created_at": now}
                        for item_id in ids])
    variables = [{"item_id": item_id, "position": position, "name": name.strip(), "label": label,
                  "var_type": var_type}
                 for row, item_id in zip(rows, ids, strict=True) if row.data.kind == ItemKind.MICRODATA.value
                 for position, (name, label, var_type) in enumerate(row.data.variables)]
    if variables:
        db.session.execute(sa.insert(Variable.__table__), variables)
    files = [file for row, item_id in zip(rows, ids, strict=True) if row.files and store_files
             for file in _stored_files(item_id, row.files, now)]
    if files:
        db.session.execute(sa.insert(ItemFile.__table__), files)
    return ids


def _item_values(row: Row, now: datetime) -> dict:
    """The catalog_item row of a good import row, as ``services._apply`` would fill the item."""
    data = row.data
    kind, tariff_kind = ItemKind(data.kind), TariffKind(data.tariff_kind)
    return {"ref": row.ref, "version": 1, "status": ReleaseStatus(row.status), "release_at": row.release_at,
            "kind": kind, "title_id": data.title_id.strip(), "title_en": data.title_en.strip(),
            "abstract_id": data.abstract_id.strip(), "abstract_en": data.abstract_en.strip(),
            "keywords": [k.strip() for k in data.keywords if k.strip()], "subject_code": data.subject_code,
            "region_code": data.region_code, "year": data.year, "reference_period": data.reference_period.strip(),
            "unit": data.unit.strip(), "access": Access(data.access), "tariff_kind": tariff_kind,
            "tariff": tariffs.validated(tariff_kind, data.tariff), "withdrawn_reason": "",
            "coverage_region": (data.coverage_region or data.region_code) if kind is ItemKind.MAP else "",
            "created_at": now, "updated_at": now}


def _stored_files(item_id: int, paths: list[Path], now: datetime) -> list[dict]:
    from werkzeug.datastructures import FileStorage

    from core.storage import get_storage
    from core.uploads import check_upload

    found = []
    for path in paths:
        with path.open("rb") as handle:
            checked = check_upload(FileStorage(handle, filename=path.name), allowed=services.ITEM_FILE_TYPES)
            stored = get_storage().save(checked.upload.stream, prefix="catalog")
        found.append({"item_id": item_id, "version": 1, "storage_key": stored.key, "filename": checked.filename,
                      "content_type": checked.content_type, "size": stored.size, "sha256": stored.sha256,
                      "created_at": now})
    return found
