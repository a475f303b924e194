"""Counting the SQL statements one request runs (the query-count tests)."""

from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db


def statements_of(app, client, url: str) -> int:
    """How many SQL statements ``GET url`` runs; the answer must be 200."""
    with app.app_context():
        engine = db.engine
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200, url
    return len(statements)
