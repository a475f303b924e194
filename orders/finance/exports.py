"""CSV and XLSX exports that stream: rows are read from the database in batches and
written out as they come, so 100,000 invoices never sit in memory at once.

Money is written as whole rupiah (numbers, not formatted text) and times in the
office time zone, so a spreadsheet sums and sorts them as they are.
"""

from __future__ import annotations

import csv
import enum
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime

import sqlalchemy as sa

from core.extensions import db
from core.timefmt import local_zone

BATCH = 1000


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    # A consumer's name must never run as a spreadsheet formula.
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _converters(zone) -> dict:
    def moment(value: datetime) -> str:
        return value.astimezone(zone).isoformat(" ", "seconds")[:19]

    return {int: None, str: _text, datetime: moment, type(None): lambda _: ""}


def rows_of(query: sa.Select) -> Iterator[list]:
    """The query's rows as export cells, fetched ``BATCH`` at a time (a server-side cursor on PostgreSQL).

    Money stays an integer, times become office-time text, enums their value.
    """
    converters = _converters(local_zone())
    result = db.session.execute(query.execution_options(yield_per=BATCH))
    for partition in result.partitions():
        for row in partition:
            cells = list(row)
            for index, value in enumerate(cells):
                kind = type(value)
                if kind is int:
                    continue
                convert = converters.get(kind)
                if convert is not None:
                    cells[index] = convert(value)
                elif isinstance(value, enum.Enum):
                    cells[index] = value.value
            yield cells


def csv_chunks(header: Iterable[str], rows: Iterable[tuple]) -> Iterator[bytes]:
    """UTF-8 CSV (with a byte-order mark, so spreadsheet programs read it right) in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    yield ("\ufeff" + buffer.getvalue()).encode()
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(rows, 1):
        writer.writerow(row)
        if count % BATCH == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def xlsx_file(header: Iterable[str], rows: Iterable[tuple], sheet: str) -> str:
    """Write an XLSX workbook to a temporary file in constant memory; the caller deletes it."""
    import xlsxwriter

    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="statdesk-export-")
    os.close(handle)
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "tmpdir": tempfile.gettempdir(),
                                         "strings_to_formulas": False, "strings_to_urls": False})
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True})
    worksheet.write_row(0, 0, list(header), bold)
    for number, row in enumerate(rows, 1):
        worksheet.write_row(number, 0, row)
    workbook.close()
    return path


def in_app_context(app, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Stream ``chunks`` (header first, then rows read lazily) inside an application context of its own.

    The header goes out before any database work; the context (and its transaction)
    is entered at the first row and left at the last, or when the server closes the
    body because the client went away.  A body nobody reads never holds a
    transaction open (``stream_with_context`` would hold the request's).
    """
    chunks = iter(chunks)
    yield next(chunks)
    with app.app_context():
        yield from chunks


def stream_file(path: str) -> Iterator[bytes]:
    """The file's bytes in chunks, deleting it once it has been read (or the client left)."""
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(256 * 1024):
                yield chunk
    finally:
        os.unlink(path)
