"""XLSX: the export workbook (a data sheet and a metadata sheet) and reading an uploaded worksheet.

The writer uses ``core.spreadsheets`` (text that looks like a formula is neutralised, numbers
stay numbers); the reader uses openpyxl in read-only mode and hands the rows, as text, to
``records`` (sheet ``Data`` if there is one, else the first).
"""

from __future__ import annotations

import io
import zipfile

from flask_babel import gettext as _

from catalog.tables.cube import Problem
from core.spreadsheets import XLSX_MEDIA_TYPE, xlsx_workbook_bytes

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
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        return [], [Problem(_("The file is not an XLSX workbook."))]
    try:
        sheet = workbook["Data"] if "Data" in workbook.sheetnames else workbook.worksheets[0]
        rows = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
            if number > MAX_ROWS:
                return [], [Problem(_("The worksheet has more than %(n)s rows.", n=MAX_ROWS))]
            rows.append((number, [_text(v) for v in row]))
        while rows and rows[-1][1] and not any(rows[-1][1]):
            rows.pop()
        return [(n, _trim(r)) for n, r in rows], []
    finally:
        workbook.close()


def _trim(row: list[str]) -> list[str]:
    while row and row[-1] == "":
        row = row[:-1]
    return row
