"""Writing a version's cells in bulk and reading a selection of them by primary key.

Writes go through the DBAPI's ``executemany`` in batches (SQLite) or ``COPY`` (PostgreSQL),
inside the caller's transaction, so a failure leaves nothing behind.  A selection is read
with one statement: the offsets of its cells are passed as one JSON array (SQLite's
``json_each``) or one array parameter (PostgreSQL's ``= ANY``), each found by the primary
key ``(version_id, pos)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import sqlalchemy as sa

from catalog.tables.cube import Cell, Structure
from catalog.tables.models import CubeCell, CubeVersion
from core.extensions import db

BATCH = 20_000


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def insert_cells(rows: Iterable[tuple[int, int, float | None, str, int, bool]]) -> int:
    """Insert ``(version_id, pos, value, symbol, note, revised)`` rows in the session's transaction."""
    connection = db.session.connection()
    raw = connection.connection.driver_connection
    count = 0
    if _dialect() == "postgresql":
        cursor = raw.cursor()
        with cursor.copy("COPY catalog_cube_cell (version_id, pos, value, symbol, note, revised) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    cursor = raw.cursor()
    statement = "INSERT INTO catalog_cube_cell (version_id, pos, value, symbol, note, revised) VALUES (?,?,?,?,?,?)"
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            cursor.executemany(statement, batch)
            count += len(batch)
            batch = []
    if batch:
        cursor.executemany(statement, batch)
        count += len(batch)
    return count


def write_cells(version: CubeVersion, structure: Structure, cells: dict[tuple[str, ...], Cell]) -> int:
    db.session.flush()
    strides = structure.strides()
    indexes = [d.index for d in structure.dimensions]

    def rows():
        for codes, cell in cells.items():
            pos = 0
            for index, code, stride in zip(indexes, codes, strides, strict=True):
                pos += index[code] * stride
            yield version.id, pos, cell.value, cell.symbol, cell.note, cell.revised

    return insert_cells(rows())


def read_offsets(version_id: int, offsets: list[int]) -> dict[int, Cell]:
    """The stored cells at ``offsets`` (missing ones are simply absent)."""
    if not offsets:
        return {}
    columns = "pos, value, symbol, note, revised"
    if _dialect() == "postgresql":
        statement = sa.text(f"SELECT {columns} FROM catalog_cube_cell WHERE version_id = :v AND pos = ANY(:o)")  # noqa: S608
        params = {"v": version_id, "o": offsets}
    else:
        statement = sa.text(f"SELECT {columns} FROM catalog_cube_cell WHERE version_id = :v "  # noqa: S608
                            "AND pos IN (SELECT value FROM json_each(:o))")
        params = {"v": version_id, "o": json.dumps(offsets)}
    return {pos: Cell(value, symbol, note, bool(revised))
            for pos, value, symbol, note, revised in db.session.execute(statement, params)}


def all_cells(version_id: int) -> dict[int, Cell]:
    rows = db.session.execute(sa.select(CubeCell.pos, CubeCell.value, CubeCell.symbol, CubeCell.note,
                                        CubeCell.revised).where(CubeCell.version_id == version_id))
    return {pos: Cell(value, symbol, note, bool(revised)) for pos, value, symbol, note, revised in rows}


def cells_by_codes(structure: Structure, by_offset: dict[int, Cell]) -> dict[tuple[str, ...], Cell]:
    decode = structure.decoder()
    return {decode(pos): cell for pos, cell in by_offset.items()}
