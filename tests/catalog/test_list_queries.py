"""List pages run a bounded number of SQL queries whatever the page size."""

import pytest
import sqlalchemy as sa

from core.extensions import db


def _count_queries(app, client, url: str) -> int:
    with app.app_context():
        engine = db.engine
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return len(statements)


@pytest.mark.parametrize("url", ["/catalog/", "/catalog/?kind=microdata", "/", "/catalog/calendar?year=2026&month=3"])
def test_public_lists_cost_the_same_queries_for_5_or_60_rows(app, client, items, frozen_now, url):
    for n in range(60):
        items.make(kind=("microdata", "map", "publication", "table")[n % 4], variables=[("r101", "Provinsi")],
                   files={"a.pdf": b"%PDF-1.4"} if n % 3 == 0 else None)
    client.get(url)  # the catalog's snapshot is built once per version (catalog.snapshot), not per request
    app.config["STATDESK_PAGE_SIZE"] = 5
    small = _count_queries(app, client, url)
    app.config["STATDESK_PAGE_SIZE"] = 60
    large = _count_queries(app, client, url)
    assert large == small
    assert large <= 6


def test_producer_list_costs_the_same_queries_for_5_or_60_rows(app, client, items, users, login, frozen_now):
    login(users.make("supervisor"))
    for _n in range(60):
        items.make(status="draft")
    app.config["STATDESK_PAGE_SIZE"] = 5
    small = _count_queries(app, client, "/catalog/manage/")
    app.config["STATDESK_PAGE_SIZE"] = 60
    assert _count_queries(app, client, "/catalog/manage/") == small
