"""A selection as a file, with the metadata that must travel with it.

CSV: UTF-8, ``#`` header lines (title, unit, source, version, selection, status symbols,
footnotes, link), then one row per cell with each dimension's code and label, the value, its
status symbol and footnote — the same tidy layout the import reads back.  XLSX: the same rows on
a ``Data`` sheet and the metadata on a ``Metadata`` sheet.  JSON-stat 2.0 and PC-Axis carry
their metadata in their own keywords.  Every text cell goes through ``core.spreadsheets``.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import pgettext

from catalog.tables.cube import SYMBOLS, label_of
from catalog.tables.formats import Extract, jsonstat, pcaxis, xlsx
from core import spreadsheets

FORMATS = ("jsonstat", "csv", "xlsx", "px")
EXTENSIONS = {"jsonstat": "json", "csv": "csv", "xlsx": "xlsx", "px": "px"}
MEDIA_TYPES = {"jsonstat": "application/json; charset=utf-8", "csv": spreadsheets.CSV_MEDIA_TYPE,
               "xlsx": spreadsheets.XLSX_MEDIA_TYPE, "px": "text/plain; charset=utf-8"}


def metadata(extract: Extract) -> list[tuple[str, str]]:
    """``(name, text)`` pairs describing the extract, in the user's language."""
    structure = extract.structure
    pairs = [(_("Title"), extract.title), (pgettext("measure", "Unit"), extract.label(structure.unit) or "—")]
    measure = structure.measure()
    if measure is not None:
        for value in measure.values:
            pairs.append((_("Unit of %(measure)s", measure=extract.label(value.label)),
                          label_of(value.unit or structure.unit, extract.locale) or "—"))
    pairs += [(_("Source"), extract.label(structure.source) or "—"), (_("Version"), str(extract.version)),
              (_("Updated"), extract.updated.strftime("%Y-%m-%d %H:%M UTC"))]
    if structure.contact:
        pairs.append((_("Contact"), structure.contact))
    for d in structure.dimensions:
        pairs.append((_("Selection: %(dimension)s", dimension=extract.label(d.label)),
                      "; ".join(f"{extract.label(v.label)} ({v.code})" for v in d.values)))
    used = sorted({c.symbol for c in extract.cells.values() if c.symbol})
    for symbol in used:
        pairs.append((_("Symbol %(symbol)s", symbol=symbol), str(SYMBOLS[symbol])))
    for number, note in enumerate(structure.notes, 1):
        pairs.append((_("Footnote %(n)s", n=number), extract.label(note)))
    if extract.changelog:
        pairs.append((_("What changed in this version"), extract.changelog))
    if extract.link:
        pairs.append((_("Link"), extract.link))
    return pairs


def tidy_header(extract: Extract) -> list[str]:
    header = []
    for d in extract.structure.dimensions:
        header += [d.code, f"{d.code}_label"]
    return [*header, "value", "symbol", "note"]


def tidy_rows(extract: Extract):
    """One row per selected cell in the table's order (missing cells are left out)."""
    structure = extract.structure
    notes = structure.notes
    import itertools

    for codes in itertools.product(*([v.code for v in d.values] for d in structure.dimensions)):
        cell = extract.cells.get(codes)
        if cell is None:
            continue
        row = []
        for d, code in zip(structure.dimensions, codes, strict=True):
            row += [code, extract.label(d.value(code).label)]
        note = extract.label(notes[cell.note - 1]) if 0 < cell.note <= len(notes) else ""
        row += [cell.value, cell.symbol, note]
        yield row


def to_csv(extract: Extract) -> bytes:
    lines = [[f"# {name}", text] for name, text in metadata(extract)]
    return spreadsheets.csv_bytes(lines[0], [*lines[1:], tidy_header(extract), *tidy_rows(extract)])


def to_xlsx(extract: Extract) -> bytes:
    return xlsx.write(tidy_header(extract), tidy_rows(extract), [list(pair) for pair in metadata(extract)],
                      "Data", "Metadata")


def render(extract: Extract, fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv(extract)
    if fmt == "xlsx":
        return to_xlsx(extract)
    if fmt == "px":
        return pcaxis.write(extract).encode()
    return jsonstat.dumps(extract).encode()
