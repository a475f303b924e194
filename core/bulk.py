"""Bulk inserts that return the new rows' ids in the order of the rows given, fast on both databases.

SQLAlchemy's ``insert().returning(..., sort_by_parameter_order=True)`` is one statement on
PostgreSQL but falls back to one statement per row on SQLite.  On SQLite the rows of
one ``INSERT … VALUES`` are numbered in the order they are written (an ``INTEGER
PRIMARY KEY`` takes the largest rowid plus one, and the transaction holds the only
write lock), so the returned ids, sorted, are the ids of the rows in their order.
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
    else:
        ids = list(db.session.scalars(sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), rows))
    if len(ids) != len(rows):
        raise RuntimeError(f"bulk insert into {model.__tablename__} returned {len(ids)} ids for {len(rows)} rows")
    return ids
