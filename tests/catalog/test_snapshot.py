"""The catalog snapshot (counts, years, producers, home lists) follows every write and the clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from catalog import queries, snapshot
from catalog.models import CatalogVersion
from core import clock
from core.extensions import db


def _stamp(app) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(CatalogVersion.stamp))


def test_every_write_to_the_catalog_renews_the_stamp_whoever_writes(app, items, frozen_now):
    first = _stamp(app)
    item_id = items.make()
    second = _stamp(app)
    with app.app_context():
        db.session.execute(sa.text("UPDATE catalog_item SET title_en = 'Edited by hand' WHERE id = :id"),
                           {"id": item_id})
        db.session.commit()
    third = _stamp(app)
    with app.app_context():
        db.session.execute(sa.text("DELETE FROM catalog_item_version WHERE item_id = :id"), {"id": item_id})
        db.session.execute(sa.text("DELETE FROM catalog_item WHERE id = :id"), {"id": item_id})
        db.session.commit()
    assert len({first, second, third, _stamp(app)}) == 4


def test_an_item_written_outside_the_process_shows_on_the_next_request(app, client, items, frozen_now):
    items.make(title="Statistik Pertama")
    assert "Statistik Pertama" in client.get("/").get_data(as_text=True)
    other_process = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with other_process.begin() as connection:
            connection.execute(sa.text("UPDATE catalog_item SET title_id = 'Statistik Diubah'"))
    finally:
        other_process.dispose()
    page = client.get("/").get_data(as_text=True)
    assert "Statistik Diubah" in page and "Statistik Pertama" not in page


def test_a_scheduled_item_is_listed_and_counted_the_moment_it_is_due_without_a_write(app, client, items,
                                                                                       frozen_now):
    items.make(title="Sudah Rilis")
    items.make(status="scheduled", release_at=frozen_now + timedelta(hours=2), title="Akan Rilis", year=2031)
    before = client.get("/catalog/").get_data(as_text=True)
    assert "Akan Rilis" not in before and "2031" not in before
    assert "Akan Rilis" in client.get("/").get_data(as_text=True)  # among the upcoming releases
    clock.advance(timedelta(hours=2))
    after = client.get("/catalog/").get_data(as_text=True)
    assert "Akan Rilis" in after and '<option value="2031"' in after
    assert "2 item" in after


@pytest.mark.parametrize("filters", [
    queries.BrowseFilters(), queries.BrowseFilters(kind="map"), queries.BrowseFilters(subject="SOS"),
    queries.BrowseFilters(subject="SOS.MSK"), queries.BrowseFilters(region="52"),
    queries.BrowseFilters(region="5203", year=2024), queries.BrowseFilters(kind="table", region="31"),
])
def test_the_snapshot_counts_as_the_table_would(app, items, frozen_now, filters):
    for n in range(24):
        items.make(kind=("table", "map", "publication")[n % 3], subject=("SOS.MSK", "SOS.NAK", "EKO")[n % 4 % 3],
                   region=("5203", "5201", "31", "3171")[n % 4], year=2023 + n % 2,
                   status=("released", "released", "draft", "withdrawn", "scheduled")[n % 5],
                   release_at=frozen_now - timedelta(hours=1) if n % 5 == 4 else None)
    with app.test_request_context():
        assert snapshot.current().count(filters) == queries.count_public(filters)


def test_the_lists_read_their_index_in_order_and_sort_only_a_page(app, backend, items, frozen_now):
    if backend != "sqlite":
        pytest.skip("the plan checked is SQLite's")
    items.make()
    with app.app_context():
        cases = [queries._newest_public((), 8, 0),
                 queries._newest_public(queries.BrowseFilters().conditions(), 20, 200),
                 queries._newest_public(queries.BrowseFilters(kind="map").conditions(), 20),
                 queries._newest_public(queries.BrowseFilters(year=2024).conditions(), 20),
                 queries._newest_public(queries.BrowseFilters(region="5203").conditions(), 20),
                 queries._newest_public((sa.text("catalog_item.subject_code = 'SOS'"),), 5)]
        for query in cases:
            sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
            plan = [row[-1] for row in db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
            reads = [step for step in plan if "catalog_item" in step]
            assert reads and all(step.startswith("SEARCH") for step in reads), plan
            assert sum("_listing" in step for step in reads) == 2, plan
