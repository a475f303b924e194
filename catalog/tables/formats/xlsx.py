"""XLSX: the export workbook (a data sheet and a metadata sheet) and reading an uploaded worksheet.

Both go through ``core.spreadsheets``: the writer neutralises text that looks like a formula and
keeps numbers as numbers; the reader takes the values of sheet ``Data`` if there is one, else the
first, and hands them, as text, to ``records``.
"""

from __future__ import annotations

from flask_babel import gettext as _

from catalog.tables.cube import Problem
from core.spreadsheets import XLSX_MEDIA_TYPE, xlsx_rows, xlsx_workbook_bytes

MEDIA_TYPE = XLSX_MEDIA_TYPE
MAX_ROWS = 2_000_000


def write(data_header, data_rows, metadata_rows, data_sheet: str, metadata_sheet: str) -> bytes:
    return xlsx_workbook_bytes([(data_sheet, data_header, data_rows), (metadata_sheet, None, metadata_rows)])


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read(data: bytes) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    try:
        rows = list(xlsx_rows(data, "Data", MAX_ROWS, first_if_missing=True))
    except ValueError as exc:
        if str(exc).startswith("more than"):
            return [], [Problem(_("The worksheet has more than %(n)s rows.", n=MAX_ROWS))]
        return [], [Problem(_("The file is not an XLSX workbook."))]
    return [(number, _trim([_text(v) for v in row])) for number, row in enumerate(rows, 1)], []


def _trim(row: list[str]) -> list[str]:
    while row and row[-1] == "":
        row = row[:-1]
    return row
