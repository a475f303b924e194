"""The one CSV writer and the one XLSX writer (and reader) of Statdesk, the writers safe against formula injection.

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


class CsvFile:
    """A CSV file written a row at a time (a report filled in as the work goes), in the format of ``csv_chunks``."""

    def __init__(self, path: str | os.PathLike, header: Iterable[Any]):
        self._handle = open(path, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed by close())
        self._writer = csv.writer(self._handle, lineterminator="\r\n")
        self._writer.writerow(safe_row(header))

    def write(self, row: Iterable[Any]) -> None:
        self._writer.writerow(safe_row(row))

    def close(self) -> None:
        self._handle.close()


class NotAWorkbook(ValueError):
    """The file is not an XLSX workbook, or has no such sheet."""


def xlsx_rows(path: str | os.PathLike, sheet: str = "") -> Iterator[tuple]:
    """The cell values of ``sheet`` (the first sheet when empty), row by row, streamed (openpyxl's read-only
    mode, so memory stays flat however large the sheet); ``NotAWorkbook`` if it cannot be read."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise NotAWorkbook(str(exc)[:80]) from None
    try:
        if sheet and sheet not in book.sheetnames:
            raise NotAWorkbook(sheet)
        yield from (book[sheet] if sheet else book.active).iter_rows(values_only=True)
    finally:
        book.close()


def xlsx_row_count(path: str | os.PathLike, sheet: str = "") -> int:
    """How many rows the sheet says it has (its dimension), without reading them."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return (book[sheet] if sheet and sheet in book.sheetnames else book.active).max_row or 0
    finally:
        book.close()
