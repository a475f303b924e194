"""Bulk inserts that return the new rows' ids in the order of the rows given, fast on both databases.

SQLAlchemy's ``insert().returning(..., sort_by_parameter_order=True)`` is one statement on
PostgreSQL but falls back to one statement per row on SQLite.  On SQLite the rows of
one ``INSERT … VALUES`` are numbered in the order they are written (an ``INTEGER
PRIMARY KEY`` takes the largest rowid plus one, and the transaction holds the only
write lock), so the returned ids, sorted, are the ids of the rows in their order.

On PostgreSQL a multi-row ``INSERT`` of thousands of rows is a statement of tens of
thousands of placeholders, which the driver parses afresh on every call (most of the
client's time in the legacy import).  So there the ids are taken from the table's
sequence first (one short query) and the rows, ids included, are sent with ``COPY``:
the values go through the columns' own bind processing and Python-side defaults, as
SQLAlchemy's ``INSERT`` would, and the server fills its own defaults.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db

SQLITE_CHUNK = 100


def insert_returning_ids(model, rows: list[dict]) -> list[int]:
    """Insert ``rows`` into ``model``'s table in bulk; the new ids, in the order of ``rows``."""
    if not rows:
        return []
    table = model.__table__  # Core, not the ORM's bulk path: a third of the time, the same defaults
    if db.session.get_bind().dialect.name == "sqlite":
        ids = []  # in chunks that fit one statement: SQLAlchemy splices the results of a longer list quadratically
        for start in range(0, len(rows), SQLITE_CHUNK):
            chunk = rows[start:start + SQLITE_CHUNK]
            ids.extend(sorted(db.session.scalars(sa.insert(table).returning(table.c.id), chunk)))
    elif not _copyable(table, rows[0]):
        ids = list(db.session.scalars(sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), rows))
    else:
        ids = _next_ids(table, len(rows))
        copy_rows(model, [{**row, "id": new_id} for row, new_id in zip(rows, ids, strict=True)])
    if len(ids) != len(rows):
        raise RuntimeError(f"bulk insert into {model.__tablename__} returned {len(ids)} ids for {len(rows)} rows")
    return ids


def insert_rows(model, rows: list[dict]) -> None:
    """Insert ``rows`` into ``model``'s table in bulk (``COPY`` on PostgreSQL), returning nothing."""
    if not rows:
        return
    if db.session.get_bind().dialect.name == "postgresql" and _copyable(model.__table__, rows[0]):
        copy_rows(model, rows)
    else:
        db.session.execute(sa.insert(model.__table__), rows)


def _copyable(table: sa.Table, first: dict) -> bool:
    """Whether ``COPY`` gives the rows what an ``INSERT`` would: no left-out column has a SQL default."""
    return not any(column.default is not None and column.default.is_clause_element
                   for column in table.columns if column.name not in first)


def _next_ids(table: sa.Table, count: int) -> list[int]:
    """``count`` values of the sequence behind ``table.id`` (never used by anyone else)."""
    return list(db.session.scalars(
        sa.text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"),
        {"table": table.name, "count": count}))


def copy_rows(model, rows: list[dict]) -> None:
    """``COPY`` ``rows`` into ``model``'s table on PostgreSQL, in the session's transaction.

    Every row carries the same keys as the first, as for one ``executemany``.  A column the rows
    leave out gets its Python-side default (a constant or a function of no context), else the
    server's default.
    """
    table = model.__table__
    dialect = db.session.get_bind().dialect
    keys = list(rows[0])
    defaults = {column.name: column.default for column in table.columns
                if column.name not in rows[0] and column.default is not None and not column.default.is_sequence}
    names = keys + list(defaults)
    processors = [table.c[name].type._cached_bind_processor(dialect) for name in names]
    quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    cursor = db.session.connection().connection.driver_connection.cursor()
    with cursor.copy(f"COPY {dialect.identifier_preparer.format_table(table)} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            values = [row[key] for key in keys] + [_default(default) for default in defaults.values()]
            copy.write_row([value if process is None or value is None else process(value)
                            for value, process in zip(values, processors, strict=True)])


def _default(default):
    if default.is_callable:
        return default.arg(None)  # SQLAlchemy wraps a function of no arguments in one of the context
    return default.arg


def among(column, values) -> sa.ColumnElement[bool]:
    """``column IN values`` for a batch's look-up: one array parameter on PostgreSQL (``= ANY``).

    An ``IN`` list of thousands of values is thousands of placeholders that the driver parses
    on every call; an array is one.
    """
    values = list(values)
    if db.session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, values, type_=sa.ARRAY(column.type)))
    return column.in_(values)
