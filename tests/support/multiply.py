"""Ten times the rows of a loaded database, in one INSERT … SELECT per table (tests of query counts at scale).

``multiply(tables, copies)`` copies every row of each table ``copies - 1`` times.  Copy ``k`` shifts the
primary key, the foreign keys into the copied tables and the ``shifted`` columns (references without a
foreign key, such as a work item's owner) by ``k × OFFSET``, so each copy points at its own copies; unique
texts get a ``~k`` suffix, unique numbers the same shift.  References to tables not copied (users, roles)
stay: the copies belong to the same people.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db

OFFSET = 1_000_000


def _unique_columns(table: sa.Table, moved: set[str]) -> set[str]:
    """The columns to change so that copies stay unique: those of each unique key without a moved column."""
    keys = [{c.name} for c in table.columns if c.unique]
    keys += [{c.name for c in constraint.columns} for constraint in table.constraints
             if isinstance(constraint, sa.UniqueConstraint)]
    keys += [{c.name for c in index.columns} for index in table.indexes if index.unique]
    return {name for key in keys if not key & moved for name in key}


def _shifted(column: sa.Column, k):
    if isinstance(column.type, sa.String):  # a key kept as text (a work item's owner id)
        return sa.cast(sa.cast(column, sa.Integer) + k * OFFSET, column.type)
    return column + k * OFFSET


def _copy_of(column: sa.Column, k, moved: bool, unique: bool):
    if moved:
        return _shifted(column, k)
    if not unique:
        return column
    if isinstance(column.type, sa.Integer):
        return column + k * OFFSET
    if isinstance(column.type, sa.String):
        length = column.type.length or 200
        text = sa.func.substr(column, 1, length - 2).op("||")(sa.literal("~")).op("||")(sa.cast(k, sa.String))
        return sa.case((column.is_(None), None), else_=text)
    return column


def multiply(tables: list[str], copies: int = 10, shifted: dict[str, list[str]] | None = None) -> None:
    """Make each of ``tables`` (parents before children) hold ``copies`` times its rows."""
    metadata, shifted = db.metadata, shifted or {}
    copied = set(tables)
    numbers = sa.union_all(*(sa.select(sa.literal(k, sa.Integer).label("k")) for k in range(1, copies)))
    numbers = numbers.subquery("copy_numbers")
    for name in tables:
        table = metadata.tables[name]
        moved = {c.name for c in table.primary_key.columns} | set(shifted.get(name, ()))
        moved |= {fk.parent.name for fk in table.foreign_keys if fk.column.table.name in copied}
        unique = _unique_columns(table, moved)
        k = numbers.c.k
        columns = list(table.columns)
        select = sa.select(*(_copy_of(c, k, c.name in moved, c.name in unique).label(c.name) for c in columns))
        select = select.select_from(table).join(numbers, sa.true()).where(
            *(c < OFFSET for c in table.primary_key.columns))
        db.session.execute(sa.insert(table).from_select([c.name for c in columns], select))
    db.session.commit()
