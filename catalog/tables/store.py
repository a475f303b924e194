"""Writing a version's cells in bulk and reading a selection of them, chunk by chunk.

Cells live in rows of ``CHUNK`` consecutive offsets (``models.CubeChunk``).  Writes build the
rows in memory and insert them with ``executemany`` (SQLite) or ``COPY`` (PostgreSQL), inside the
caller's transaction, so a failure leaves nothing behind.  A selection computes the chunks its
offsets fall in, reads those rows with one statement (runs of consecutive chunks as ``BETWEEN``
ranges) and picks its cells out of the unpacked figures.
"""

from __future__ import annotations

import json
import sys
from array import array
from collections.abc import Iterable
from itertools import repeat

import numpy as np

from catalog.tables.cube import Cell, Structure, cell_columns
from catalog.tables.models import CHUNK, CubeVersion
from core.extensions import db

NAN = float("nan")
_SHIFT = CHUNK.bit_length() - 1
_MASK = CHUNK - 1
assert 1 << _SHIFT == CHUNK  # noqa: S101 - offsets are split by shift and mask
_BLANK = array("d", [NAN]) * CHUNK
_SWAP = sys.byteorder == "big"  # figures are stored little-endian
MAX_RANGES = 32  # runs of chunks read as BETWEEN ranges; a more scattered selection lists its chunks


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _pack(figures: array) -> bytes:
    if _SWAP:
        figures = array("d", figures)
        figures.byteswap()
    return figures.tobytes()


def _unpack(data: bytes) -> array:
    figures = array("d")
    figures.frombytes(data)
    if _SWAP:
        figures.byteswap()
    return figures


def chunk_rows(version_id: int, positions: list[int], values: list[float | None],
               marks: dict[int, tuple[str, int, bool]]) -> list[tuple[int, int, bytes, str | None]]:
    """``(version_id, chunk, figures, marks)`` rows for cells at ``positions`` (see ``models``)."""
    if not positions:
        return []
    at = np.asarray(positions, dtype=np.int64)
    figures = np.asarray([NAN if v is None else v for v in values] if None in values else values, dtype="<f8")
    count = int(at.max() >> _SHIFT) + 1
    flat = np.full(count * CHUNK, NAN, dtype="<f8")
    flat[at] = figures
    grid = flat.reshape(count, CHUNK)
    marked: dict[int, list] = {}
    for pos in sorted(marks):
        symbol, note, revised = marks[pos]
        marked.setdefault(pos >> _SHIFT, []).append([pos & _MASK, symbol, note, bool(revised)])
    return [(version_id, number, grid[number].tobytes(),
             json.dumps(marked[number], ensure_ascii=False) if number in marked else None)
            for number in np.unique(at >> _SHIFT).tolist()]


def insert_rows(rows: Iterable[tuple[int, int, bytes, str | None]]) -> int:
    """Insert chunk rows in the session's transaction; the number of rows."""
    raw = db.session.connection().connection.driver_connection
    cursor = raw.cursor()
    count = 0
    if _dialect() == "postgresql":
        with cursor.copy("COPY catalog_cube_chunk (version_id, chunk, figures, marks) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    rows = list(rows)
    cursor.executemany("INSERT INTO catalog_cube_chunk (version_id, chunk, figures, marks) VALUES (?,?,?,?)", rows)
    return len(rows)


def write(version_id: int, positions: list[int], values: list[float | None],
          marks: dict[int, tuple[str, int, bool]]) -> int:
    """Store cells given as columns (``cube.Draft.stored_form``); the number of cells."""
    insert_rows(chunk_rows(version_id, positions, values, marks))
    return len(positions)


def write_cells(version: CubeVersion, structure: Structure, cells: dict[tuple[str, ...], Cell]) -> int:
    """Store cells given by their code tuple as the cells of ``version``."""
    db.session.flush()
    return write(version.id, *cell_columns(structure, cells))


def _ranges(numbers: list[int]) -> list[tuple[int, int]]:
    """Sorted chunk numbers → runs ``(first, last)`` of consecutive ones."""
    runs = []
    for number in numbers:
        if runs and runs[-1][1] == number - 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return [tuple(run) for run in runs]


def _read_chunks(version_id: int, numbers: list[int] | None) -> list[tuple[int, bytes, str | None]]:
    """The stored chunks ``numbers`` (all of them for None) as ``(chunk, figures, marks)`` rows."""
    raw = db.session.connection().connection.driver_connection
    postgresql = _dialect() == "postgresql"
    statement = "SELECT chunk, figures, marks FROM catalog_cube_chunk WHERE version_id = {p}"
    params: list = [version_id]
    if numbers is not None:
        ranges = _ranges(numbers)
        if len(ranges) <= MAX_RANGES:  # each range one walk along the primary key
            statement = " UNION ALL ".join([statement + " AND chunk BETWEEN {p} AND {p}"] * len(ranges))
            params = [value for first, last in ranges for value in (version_id, first, last)]
        elif postgresql:
            statement += " AND chunk = ANY({p})"
            params.append(numbers)
        else:
            statement += " AND chunk IN (SELECT value FROM json_each({p}))"
            params.append(json.dumps(numbers))
    cursor = raw.cursor()
    cursor.execute(statement.format(p="%s" if postgresql else "?"), params)  # only placeholders are formatted in
    return cursor.fetchall()


def _marks(text: str | None) -> dict[int, list]:
    return {mark[0]: mark for mark in json.loads(text)} if text else {}


def read_cells(version_id: int, offsets: list[int]) -> list[Cell | None]:
    """The stored cells at ``offsets``, in the same order (None where the cube has no cell).

    The chunks read are laid end to end in one array, so picking a figure is one index per cell;
    only cells in chunks with marks, or without a figure, take a second look.
    """
    if not offsets:
        return []
    shift, mask = _SHIFT, _MASK
    numbers = sorted({offset >> shift for offset in offsets})
    stored = {number: (figures, marks) for number, figures, marks in _read_chunks(version_id, numbers)}
    flat, start, marked = array("d"), {}, {}
    for number in numbers:
        start[number] = len(flat)
        figures, marks = stored.get(number, (None, None))
        if figures is None:
            flat.extend(_BLANK)
            continue
        flat.frombytes(bytes(figures))
        if marks:
            marked[number] = _marks(marks)
    if _SWAP:
        flat.byteswap()
    values = [flat[start[offset >> shift] + (offset & mask)] for offset in offsets]
    # Cell(value) for every figure, made by tuple's own constructor (a named tuple's __new__ is Python code)
    cells: list[Cell | None] = list(map(tuple.__new__, repeat(Cell), zip(values, repeat(""), repeat(0),
                                                                        repeat(False))))
    total = sum(values)
    if marked or total != total:  # NaN: a symbol instead of a number, or no cell
        for i, offset in enumerate(offsets):
            value = values[i]
            mark = marked.get(offset >> shift, {}).get(offset & mask)
            if mark is not None:
                cells[i] = Cell(value if value == value else None, mark[1], mark[2], mark[3])
            elif value != value:
                cells[i] = None
    return cells


def all_cells(version_id: int) -> dict[int, Cell]:
    """Every stored cell of a version by its offset."""
    cells = {}
    for number, data, text in _read_chunks(version_id, None):
        base, marks = number << _SHIFT, _marks(text)
        for index, value in enumerate(_unpack(bytes(data))):
            mark = marks.get(index)
            if mark is not None:
                cells[base + index] = Cell(value if value == value else None, mark[1], mark[2], mark[3])
            elif value == value:
                cells[base + index] = Cell(value)
    return cells


def cells_by_codes(structure: Structure, by_offset: dict[int, Cell]) -> dict[tuple[str, ...], Cell]:
    decode = structure.decoder()
    return {decode(pos): cell for pos, cell in by_offset.items()}
