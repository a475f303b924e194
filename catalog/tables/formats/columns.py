"""A clean tidy body read column by column: the common case of a large upload, without Python work per row.

Each check runs over a whole column (lengths, figures, codes once per distinct text, duplicates over the
computed positions), and the cells come out as columns (``cube.Draft`` positions and values).  Any doubt
sends the file back to the row-by-row reading of ``records``, which names the row and column of each
problem; so this reading never reports a problem itself.
"""

from __future__ import annotations

import math
import operator
from typing import TYPE_CHECKING

from catalog import reference
from catalog.tables.cube import LARGEST, LONGEST_CODE, LONGEST_LABEL, LONGEST_NOTE, Value

if TYPE_CHECKING:
    from catalog.tables.formats.records import _Builder

LONGEST_FIELD = max(LONGEST_NOTE, LONGEST_LABEL, LONGEST_CODE)


def read_tidy(builder: _Builder, rows: list[list[str]]) -> bool:
    """Read a tidy body column by column, the common case of a clean file; False when a row needs the
    row-by-row reading, which names the row and column of every problem (``builder`` is then discarded).
    """
    width = len(builder.mapping.columns)
    if not rows or set(map(len, rows)) != {width}:
        return False
    columns = list(zip(*rows, strict=True))
    if max(max(map(len, column)) for column in columns) > LONGEST_FIELD:
        return False
    value_column, symbol_column, note_column = builder.special
    if symbol_column is not None and "".join(columns[symbol_column]).strip():
        return False
    values = _figures(columns[value_column])
    if values is None:
        return False
    indexes = {}
    for column, dimension in builder.dimension_columns:
        index = _codes(builder, dimension, columns[column])
        if index is None:
            return False
        indexes[dimension] = (column, index)
    for column, dimension in builder.label_columns:
        if dimension in indexes and not _labels(builder, dimension, columns[indexes[dimension][0]], columns[column]):
            return False
    positions = _positions(builder, indexes)
    if len(set(positions)) != len(positions):
        return False  # a duplicate cell: the row-by-row reading names both rows
    notes = _notes(builder, columns[note_column], positions) if note_column is not None else {}
    if notes is None:
        return False
    builder.columns = (positions, values, notes)
    return True


def _figures(texts: tuple[str, ...]) -> list[float] | None:
    """Every text a plain, finite figure within range, or None."""
    if "_" in "".join(texts):
        return None
    try:
        values = list(map(float, texts))
    except ValueError:
        return None
    total = sum(values)
    if total != total or abs(total) == math.inf:  # NaN or an infinity among them
        return None
    return values if min(values) >= -LARGEST and max(values) <= LARGEST else None


def _codes(builder: _Builder, dimension: str, texts: tuple[str, ...]) -> list[int] | None:
    """The index of each row's value in the dimension (values in order of first appearance), or None."""
    geo = builder.mapping.roles.get(dimension) == "geo"
    known = builder.values[dimension]
    order: dict[str, int] = {}
    slot: dict[str, int] = {}
    for text in dict.fromkeys(texts):
        code = text.strip()
        if not code or len(code) > LONGEST_CODE or (geo and code.isdigit() and code not in reference.regions()):
            return None
        if code not in order:
            order[code] = len(order)
            known[code] = Value(code)
        slot[text] = order[code]
    return list(map(slot.__getitem__, texts))


def _labels(builder: _Builder, dimension: str, codes: tuple[str, ...], labels: tuple[str, ...]) -> bool:
    known = builder.values[dimension]
    for code_text, text in dict.fromkeys(zip(codes, labels, strict=True)):
        value = known[code_text.strip()]
        if "id" in value.label:
            continue
        text = text.strip()
        if len(text) > LONGEST_LABEL:
            return False
        if text:
            value.label["id"] = text
    return True


def _positions(builder: _Builder, indexes: dict[str, tuple[int, list[int]]]) -> list[int]:
    sizes = [len(builder.values[code]) for code in builder.order]
    strides, step = [], 1
    for size in reversed(sizes):
        strides.insert(0, step)
        step *= size
    positions = None
    for code, stride in zip(builder.order, strides, strict=True):
        index = indexes[code][1]
        scaled = index if stride == 1 else list(map(stride.__mul__, index))
        positions = scaled if positions is None else list(map(operator.add, positions, scaled))
    return positions


def _notes(builder: _Builder, texts: tuple[str, ...], positions: list[int]) -> dict[int, int] | None:
    number: dict[str, int] = {}
    for text in dict.fromkeys(texts):
        note = text.strip()
        if len(note) > LONGEST_NOTE:
            return None
        if note and note not in builder.notes:
            builder.notes.append(note)
        number[text] = builder.notes.index(note) + 1 if note else 0
    return {pos: n for pos, n in zip(positions, map(number.__getitem__, texts), strict=True) if n}
