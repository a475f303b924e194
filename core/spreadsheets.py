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
# csv's field limit is one setting for the whole process, so it is set once, here: 16 MiB, enough for a
# catalog abstract or a legacy consultation's question (csv's default, 131,072 characters, is not).  A reader
# that wants shorter fields checks their length itself and names the line (``orders.finance.statements``).
CSV_FIELD_LIMIT = 16 * 1024 * 1024
csv.field_size_limit(CSV_FIELD_LIMIT)
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


def xlsx_rows(source: bytes | str | os.PathLike, sheet: str = "", max_rows: int | None = None, *,
              first_if_missing: bool = False) -> Iterator[tuple]:
    """The cell values of ``sheet`` (the first sheet when empty) of a workbook given as bytes or a path, row by
    row, streamed (openpyxl's read-only mode: memory stays flat however large the sheet).

    Values only: formulas are never evaluated, their cached results are read.  Raises ``NotAWorkbook`` for a
    file that is not a workbook, a missing sheet (unless ``first_if_missing``), or more than ``max_rows`` rows.
    """
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(source) if isinstance(source, bytes) else source, read_only=True,
                             data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise NotAWorkbook(str(exc)[:80]) from None
    try:
        if sheet and sheet not in book.sheetnames:
            if not first_if_missing:
                raise NotAWorkbook(sheet)
            sheet = ""
        for number, row in enumerate((book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True), 1):
            if max_rows is not None and number > max_rows:
                raise NotAWorkbook(f"more than {max_rows} rows")
            yield row
    finally:
        book.close()


def xlsx_row_count(path: str | os.PathLike, sheet: str = "") -> int:
    """How many rows the sheet says it has (its dimension), without reading them."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return (book[sheet] if sheet and sheet in book.sheetnames else book.worksheets[0]).max_row or 0
    finally:
        book.close()
