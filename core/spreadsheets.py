"""The one CSV writer and the one XLSX writer of Statdesk, both safe against formula injection.

A spreadsheet program runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and,
in some, a tab or carriage return) as a formula, so a consumer's name, an operator's
name or a dimension value could otherwise open links or run commands on the desk of
whoever opens the export.  Every text cell that begins so gets a single quote in front
(OWASP's advice); numbers, dates and empty cells are left as they are, so a negative
number stays a number in XLSX and unquoted in CSV.  Writers stream: rows are consumed as
they come, never gathered in memory.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BATCH = 1000  # CSV rows per yielded chunk
LONGEST_SHEET_NAME = 31  # Excel's limit


def neutralise(value: Any) -> Any:
    """``value`` as a cell that cannot run: text beginning like a formula is quoted, anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    """The row's cells neutralised, with ``None`` as an empty cell."""
    return ["" if value is None else neutralise(value) for value in row]


def csv_chunks(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> Iterator[bytes]:
    """UTF-8 CSV with CRLF line ends and a byte-order mark (so spreadsheet programs read it right), in chunks.

    The header is yielded alone first, before ``rows`` is iterated.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(safe_row(header))
    yield ("\ufeff" + buffer.getvalue()).encode()
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(rows, 1):
        writer.writerow(safe_row(row))
        if count % BATCH == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def csv_bytes(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> bytes:
    """The whole CSV file of ``csv_chunks`` at once, for small tables."""
    return b"".join(csv_chunks(header, rows))


def write_xlsx(target: str | BinaryIO, header: Iterable[Any], rows: Iterable[Iterable[Any]], sheet: str,
               title: str = "") -> None:
    """Write a one-sheet workbook to ``target`` (a path, written in constant memory, or a binary stream).

    ``title``, when given, is a first row above the bold header.  Text is never read
    as a formula, a number or a link; numbers are written as numbers.
    """
    import xlsxwriter

    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
               "nan_inf_to_errors": True}
    if isinstance(target, str):
        options.update(constant_memory=True, tmpdir=tempfile.gettempdir())
    else:
        options.update(in_memory=True)
    workbook = xlsxwriter.Workbook(target, options)
    worksheet = workbook.add_worksheet(sheet[:LONGEST_SHEET_NAME])
    header_row = 1 if title else 0
    if title:
        worksheet.write_string(0, 0, neutralise(title[:250]))
    worksheet.write_row(header_row, 0, safe_row(header), workbook.add_format({"bold": True}))
    for number, row in enumerate(rows, header_row + 1):
        worksheet.write_row(number, 0, safe_row(row))
    workbook.close()


def xlsx_file(header: Iterable[Any], rows: Iterable[Iterable[Any]], sheet: str, title: str = "") -> str:
    """``write_xlsx`` into a new temporary file, whose path is returned; the caller deletes it."""
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="statdesk-export-")
    os.close(handle)
    try:
        write_xlsx(path, header, rows, sheet, title)
    except BaseException:
        os.unlink(path)
        raise
    return path


def xlsx_bytes(header: Iterable[Any], rows: Iterable[Iterable[Any]], sheet: str, title: str = "") -> bytes:
    """The workbook of ``write_xlsx`` as bytes, for small tables."""
    out = io.BytesIO()
    write_xlsx(out, header, rows, sheet, title)
    return out.getvalue()


def xlsx_workbook_bytes(sheets: Iterable[tuple[str, Iterable[Any] | None, Iterable[Iterable[Any]]]]) -> bytes:
    """A workbook of several sheets, each ``(name, bold header or None, rows)``, as bytes (small exports).

    The same protections as ``write_xlsx``: text never becomes a formula, a number or a link.
    """
    import xlsxwriter

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False, "nan_inf_to_errors": True, "in_memory": True})
    bold = workbook.add_format({"bold": True})
    for name, header, rows in sheets:
        worksheet = workbook.add_worksheet(name[:LONGEST_SHEET_NAME])
        first = 0
        if header is not None:
            worksheet.write_row(0, 0, safe_row(header), bold)
            first = 1
        for number, row in enumerate(rows, first):
            worksheet.write_row(number, 0, safe_row(row))
    workbook.close()
    return out.getvalue()


def xlsx_rows(data: bytes, prefer_sheet: str = "", max_rows: int = 2_000_000) -> list[list[Any]]:
    """The cell values of an uploaded workbook's sheet ``prefer_sheet`` (else its first), row by row.

    Read-only and values only: formulas are never evaluated, their cached results are read.
    Raises ``ValueError`` for a file that is not a workbook or a sheet longer than ``max_rows``.
    """
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ValueError("not a workbook") from exc
    try:
        sheet = workbook[prefer_sheet] if prefer_sheet in workbook.sheetnames else workbook.worksheets[0]
        rows = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
            if number > max_rows:
                raise ValueError(f"more than {max_rows} rows")
            rows.append(list(row))
        return rows
    finally:
        workbook.close()
