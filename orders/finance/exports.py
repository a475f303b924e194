"""CSV and XLSX exports that stream: rows are read from the database in batches and
written out as they come, so 100,000 invoices never sit in memory at once.

Money is written as whole rupiah (numbers, not formatted text) and times in the
office time zone, so a spreadsheet sums and sorts them as they are.  The files are
written by ``core.spreadsheets``, which keeps names and references from running as
formulas.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Iterator
from datetime import datetime

import sqlalchemy as sa

from core.extensions import db
from core.timefmt import local_zone

BATCH = 1000


def _converters(zone) -> dict:
    def moment(value: datetime) -> str:
        return value.astimezone(zone).isoformat(" ", "seconds")[:19]

    return {datetime: moment, type(None): lambda _: ""}


def rows_of(query: sa.Select) -> Iterator[list]:
    """The query's rows as export cells, fetched ``BATCH`` at a time (a server-side cursor on PostgreSQL).

    Money stays an integer, times become office-time text, enums their value, text stays text
    (the writers of ``core.spreadsheets`` neutralise it).
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
