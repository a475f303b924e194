"""JSON-stat 2.0 (https://json-stat.org/format/): one dataset, written and read.

Written: ``id``/``size`` in the table's order, ``role`` (time, geo, metric), each category with
``index``, ``label``, ``child`` (regencies under their province) and, for the measure, ``unit``
with ``decimals``; ``value`` dense with ``null`` where no cell is stored; ``status`` by cell index;
footnotes in ``note`` and, per cell, ``extension.cellnote``; revised cells in
``extension.revised``; the version in ``extension.version``.
"""

from __future__ import annotations

import json
import math

from flask_babel import gettext as _

from catalog.tables.cube import (
    ROLES,
    Dimension,
    Draft,
    Problem,
    Structure,
    Value,
    check_structure,
    make_cell,
)
from catalog.tables.formats import Extract

MEDIA_TYPE = "application/json; charset=utf-8"
ROLE_KEYS = {"time": "time", "geo": "geo", "measure": "metric"}


def write(extract: Extract) -> dict:
    structure = extract.structure
    dims = structure.dimensions
    ids = [d.code for d in dims]
    sizes = structure.sizes
    strides = structure.strides()
    count = structure.size
    values: list[float | None] = [None] * count
    status: dict[str, str] = {}
    cellnote: dict[str, int] = {}
    revised: list[int] = []
    for codes, cell in extract.cells.items():
        pos = sum(d.index[c] * s for d, c, s in zip(dims, codes, strides, strict=True))
        values[pos] = cell.value
        if cell.symbol:
            status[str(pos)] = cell.symbol
        if cell.note:
            cellnote[str(pos)] = cell.note
        if cell.revised:
            revised.append(pos)
    dimension = {}
    for d in dims:
        category = {"index": {v.code: i for i, v in enumerate(d.values)},
                    "label": {v.code: extract.label(v.label) for v in d.values}}
        children = {}
        for v in d.values:
            if v.parent and v.parent in d.index:
                children.setdefault(v.parent, []).append(v.code)
        if children:
            category["child"] = children
        if d.role == "measure":
            category["unit"] = {v.code: {"label": extract.label(v.unit or structure.unit),
                                         "decimals": structure.decimals if v.decimals is None else v.decimals}
                                for v in d.values}
        dimension[d.code] = {"label": extract.label(d.label), "category": category}
    role = {}
    for d in dims:
        if d.role in ROLE_KEYS:
            role.setdefault(ROLE_KEYS[d.role], []).append(d.code)
    document = {"version": "2.0", "class": "dataset", "label": extract.title, "id": ids, "size": sizes,
                "dimension": dimension, "value": values,
                "updated": extract.updated.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if structure.source:
        document["source"] = extract.label(structure.source)
    if role:
        document["role"] = role
    if status:
        document["status"] = status
    if structure.notes:
        document["note"] = [f"{i}) {extract.label(n)}" for i, n in enumerate(structure.notes, 1)]
    if extract.link:
        document["href"] = extract.link
    document["extension"] = {"version": extract.version, "unit": extract.label(structure.unit),
                             "decimals": structure.decimals, "contact": structure.contact,
                             "cellnote": cellnote, "revised": revised, "changelog": extract.changelog,
                             "notes": structure.notes,
                             "labels": {d.code: {"label": d.label,
                                                 "values": {v.code: v.label for v in d.values}} for d in dims}}
    return document


def dumps(extract: Extract) -> str:
    return json.dumps(write(extract), ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _problem(message: str) -> Draft:
    return Draft(Structure([]), {}, [Problem(message)])


def read(data: bytes) -> Draft:
    """A JSON-stat 2.0 dataset (our own exports keep both languages in ``extension.labels``)."""
    try:
        document = json.loads(data.decode("utf-8-sig"), parse_constant=lambda name: float("nan"))
    except (UnicodeDecodeError, ValueError) as exc:
        return _problem(_("The file is not JSON: %(error)s.", error=str(exc)[:200]))
    if not isinstance(document, dict) or document.get("class") != "dataset" or not isinstance(document.get("id"), list):
        return _problem(_("The file is not a JSON-stat 2.0 dataset (class, id, size and dimension are needed)."))
    try:
        return _read(document)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return _problem(_("The file is not a JSON-stat 2.0 dataset (class, id, size and dimension are needed)."))


def _read(document: dict) -> Draft:
    ids, sizes = document["id"], document["size"]
    extension = document.get("extension") or {}
    labels = extension.get("labels") or {}
    roles = {code: role for role, key in ROLE_KEYS.items() for code in (document.get("role") or {}).get(key, [])}
    dims = []
    for code, size in zip(ids, sizes, strict=True):
        spec = document["dimension"][code]
        category = spec.get("category") or {}
        index = category.get("index")
        if isinstance(index, list):
            codes = index
        elif isinstance(index, dict):
            codes = sorted(index, key=index.get)
        else:
            codes = list(category["label"])
        if not all(isinstance(c, str) and c for c in codes):
            return _problem(_("The dimension %(code)s has a category without a code.", code=str(code)[:40]))
        if len(codes) != size:
            return _problem(_("The dimension %(code)s has %(n)s categories, not %(size)s.", code=code, n=len(codes),
                              size=size))
        own = labels.get(code) or {}
        parents = {child: parent for parent, children in (category.get("child") or {}).items() for child in children}
        units = category.get("unit") or {}
        values = []
        for value_code in codes:
            label = (own.get("values") or {}).get(value_code) or {"id": str(category.get("label", {}).get(value_code,
                                                                                                            value_code))}
            unit = units.get(value_code) or {}
            values.append(Value(str(value_code), dict(label), parents.get(value_code, ""),
                                {"id": unit["label"]} if unit.get("label") else {},
                                unit.get("decimals") if isinstance(unit.get("decimals"), int) else None))
        role = roles.get(code, "other")
        dims.append(Dimension(str(code), dict(own.get("label") or {"id": str(spec.get("label", code))}),
                              role if role in ROLES else "other", values))
    for d in dims:
        for v in d.values:
            v.label.setdefault("en", v.label.get("id", v.code))
        d.label.setdefault("en", d.label.get("id", d.code))
    notes = extension.get("notes")
    if not isinstance(notes, list):
        notes = [{"id": str(n), "en": str(n)} for n in document.get("note") or []]
    unit = extension.get("unit")
    source = document.get("source")
    structure = Structure(dims, {"id": unit, "en": unit} if unit else {}, int(extension.get("decimals") or 0),
                          {"id": source, "en": source} if source else {}, str(extension.get("contact") or ""), notes)
    problems = check_structure(structure)
    if problems:
        return Draft(structure, {}, problems)
    raw = document.get("value")
    status = document.get("status") or {}
    cellnote = extension.get("cellnote") or {}
    count = math.prod(sizes)
    if isinstance(raw, list):
        if len(raw) != count:
            return _problem(_("The dataset has %(n)s values; its size asks for %(count)s.", n=len(raw), count=count))
        items = enumerate(raw)
    elif isinstance(raw, dict):
        items = ((int(k), v) for k, v in raw.items())
    else:
        return _problem(_("The dataset has no values."))
    if isinstance(status, str):
        status = {str(i): status for i in range(count)}
    elif isinstance(status, list):
        status = {str(i): s for i, s in enumerate(status)}
    cells, found = {}, []
    decode = structure.decoder()
    for pos, value in items:
        symbol = str(status.get(str(pos)) or "")
        if value is None and not symbol:
            continue
        if not 0 <= pos < count:
            found.append(Problem(_("The value index %(pos)s is outside the dataset.", pos=pos), pos + 1, "value"))
            continue
        if isinstance(value, bool) or not (value is None or isinstance(value, (int, float))):
            found.append(Problem(_("The value %(value)s is not a number.", value=str(value)[:40]), pos + 1, "value"))
            continue
        made = make_cell("" if value is None else repr(float(value)), symbol, int(cellnote.get(str(pos)) or 0))
        if isinstance(made, str):
            found.append(Problem(made, pos + 1, "value"))
            continue
        cells[decode(pos)] = made
    return Draft(structure, cells, found)
