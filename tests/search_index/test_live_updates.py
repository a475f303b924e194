"""The index follows the catalog: after commit, never after rollback, across processes, and checkably."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from catalog import services
from catalog.models import Item
from catalog.services import ItemData
from core import clock
from core.extensions import db
from search_index import service
from search_index.backend import Filters, SearchRequest
from search_index.query import parse
from tests.catalog.conftest import NOW, ItemMaker


@pytest.fixture
def frozen():
    with clock.frozen(NOW):
        yield NOW


@pytest.fixture(params=["whoosh", "postgresql"])
def site(request, app, app_config, backend):
    """The application with each search backend (PostgreSQL's on the PostgreSQL pass)."""
    if request.param == "whoosh":
        return app
    if backend != "postgresql":
        pytest.skip("the PostgreSQL search backend runs on the PostgreSQL pass")
    from app import create_app

    return create_app(dict(app_config, STATDESK_SEARCH_BACKEND="postgresql"))


@pytest.fixture
def admin(users):
    return users.make("admin")


def found(app, text="", **filters) -> list[str]:
    with app.app_context():
        request = SearchRequest(query=parse(text), filters=Filters(**filters), per_page=100)
        return [hit.key for hit in service.backend().search(request).hits]


def act(app, users, email, action, *args) -> int:
    """Run a catalog service as ``email``; the id of what it returns."""
    with app.test_request_context():
        actor = db.session.merge(users.get(email))
        return action(actor, *args).id


def data(title: str, **extra) -> ItemData:
    return ItemData(kind="table", title_id=title, subject_code="SOS.MSK", region_code="5203", year=2024,
                    unit="Direktorat Statistik Kependudukan", **extra)


def test_create_release_update_and_withdraw_reach_the_index_after_commit(site, users, admin, frozen):
    item_id = act(site, users, admin, services.create_item, data("Penduduk Lombok Timur menurut Desa"))
    assert found(site, "desa") == []  # a draft is not public
    act(site, users, admin, services.schedule_release, item_id, NOW + timedelta(days=2))
    assert found(site, "desa") == []  # nor is a scheduled item
    with clock.frozen(NOW + timedelta(days=3)), site.app_context():
        services.release_due()
        db.session.commit()
    assert found(site, "desa") == [str(item_id)]
    act(site, users, admin, services.update_item, item_id, data("Penduduk Lombok Timur menurut Dusun"))
    assert found(site, "dusun") == [str(item_id)] and found(site, "desa") == []
    act(site, users, admin, services.publish_version, item_id, "Koreksi angka 2024.")
    assert found(site, "dusun") == [str(item_id)]
    act(site, users, admin, services.withdraw, item_id, "Data diganti tabel baru.")
    assert found(site, "dusun") == [] and found(site) == []


def test_a_rolled_back_change_never_reaches_the_index(site, users, admin, frozen):
    item_id = act(site, users, admin, services.create_item, data("Tabel Kelahiran"))
    act(site, users, admin, services.release_now, item_id)
    with site.test_request_context():
        actor = db.session.merge(users.get(admin))
        services.update_item(actor, item_id, data("Tabel Kematian"))  # commits
        item = db.session.get(Item, item_id)
        item.title_id = "Tabel Perkawinan"
        from search_index.indexing import mark_changed

        mark_changed("catalog", item.id)
        db.session.rollback()
    assert found(site, "kematian") == [str(item_id)]
    assert found(site, "perkawinan") == []


def test_facet_counts_equal_database_counts(site, frozen):
    maker = ItemMaker(site)
    specs = [("table", "5203", 2024, "free"), ("table", "5201", 2023, "free"), ("map", "5203", 2024, "free"),
             ("publication", "3578", 2024, "paid"), ("microdata", "3171", 2022, "restricted"),
             ("table", "52", 2024, "free"), ("publication", "5271", 2023, "paid")]
    for kind, region, year, access in specs:
        tariff = {"tariff_kind": "flat", "tariff": {"price": 50_000}} if access == "paid" else {}
        maker.make(kind=kind, region=region, year=year, access=access, title=f"Statistik Sosial {kind}", **tariff)
    maker.make(kind="table", region="5203", status="draft", title="Statistik Sosial rancangan")
    maker.make(kind="map", region="5203", status="withdrawn", title="Statistik Sosial ditarik")
    maker.make(kind="table", region="5203", status="scheduled", release_at=NOW + timedelta(days=5),
               title="Statistik Sosial terjadwal")
    assert site.test_cli_runner().invoke(args=["search", "reindex"]).exit_code == 0
    with site.app_context():
        for filters in (Filters(), Filters(region="52"), Filters(kinds=("table",)), Filters(year_from=2024)):
            result = service.backend().search(SearchRequest(query=parse("statistik sosial"), filters=filters))
            query = sa.select(Item).where(Item.public_clause())
            if filters.region:
                query = query.where(Item.region_code.like(filters.region + "%"))
            if filters.kinds:
                query = query.where(Item.kind.in_(list(filters.kinds)))
            if filters.year_from:
                query = query.where(Item.year >= filters.year_from)
            items = db.session.scalars(query).all()
            assert result.total == len(items)
            assert dict(result.facets["kind"]) == Counter(item.kind.value for item in items)
            assert dict(result.facets["access"]) == Counter(item.access.value for item in items)
            assert dict(result.facets["year"]) == Counter(str(item.year) for item in items)
            provinces = Counter(item.region_code[:2] for item in items)
            assert {v: c for v, c in result.facets["region"] if len(v) == 2} == provinces
            assert not any("rancangan" in hit.title or "ditarik" in hit.title or "terjadwal" in hit.title
                           for hit in result.hits)


def test_verify_reports_a_removed_document_and_reindex_repairs_it(site, frozen):
    maker = ItemMaker(site)
    kept, lost = maker.make(title="Statistik Air Bersih"), maker.make(title="Statistik Listrik")
    runner = site.test_cli_runner()
    rebuilt = runner.invoke(args=["search", "reindex"])
    assert rebuilt.exit_code == 0 and "Indexed 2 documents" in rebuilt.output
    assert runner.invoke(args=["search", "verify"]).exit_code == 0
    with site.app_context():
        service.backend().apply([], [("catalog", str(lost))])
    checked = runner.invoke(args=["search", "verify"])
    assert checked.exit_code == 1
    assert f"missing from the index: catalog {lost}" in checked.output
    assert f"catalog {kept}" not in checked.output
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    assert runner.invoke(args=["search", "verify"]).exit_code == 0


def test_verify_reports_an_out_of_date_document(site, frozen):
    item_id = ItemMaker(site).make(title="Statistik Gas")
    runner = site.test_cli_runner()
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    with site.app_context():  # changed behind the index's back (no mark_changed)
        db.session.get(Item, item_id).title_id = "Statistik Minyak"
        db.session.commit()
    checked = runner.invoke(args=["search", "verify"])
    assert checked.exit_code == 1 and f"out of date in the index: catalog {item_id}" in checked.output


def test_two_processes_writing_at_once_lose_nothing(search_backend, backend, database_url, tmp_path):
    from search_index.whoosh_backend import WhooshBackend

    if isinstance(search_backend, WhooshBackend):
        kind, location = "whoosh", search_backend.directory
    else:
        kind, location = "postgresql", database_url
    count = 120
    writers = [subprocess.Popen([sys.executable, "-m", "tests.search_index.writer_process", kind, location,
                                 prefix, str(count)]) for prefix in ("a", "b")]
    errors = []

    def read():  # a reader keeps searching while the writers write
        while any(w.poll() is None for w in writers):
            try:
                search_backend.search(SearchRequest(query=parse("penduduk")))
            except Exception as exc:  # noqa: BLE001 - any failure of a reader is what this test looks for
                errors.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    assert [w.wait(timeout=300) for w in writers] == [0, 0]
    reader.join()
    assert errors == []
    assert search_backend.keys() == {("catalog", f"{p}-{n}") for p in ("a", "b") for n in range(count)}
    assert search_backend.search(SearchRequest(query=parse("penduduk"))).total == 2 * count


def test_the_postgresql_backend_serves_the_site(app_config, backend, frozen):
    if backend != "postgresql":
        pytest.skip("the PostgreSQL search backend runs on the PostgreSQL pass")
    from app import create_app

    site = create_app(dict(app_config, STATDESK_SEARCH_BACKEND="postgresql"))
    maker = ItemMaker(site)
    wanted = maker.make(title="Statistik Perumahan Lombok Timur")
    maker.make(title="Statistik Perumahan rancangan", status="draft")
    with site.app_context():
        from search_index.postgres_backend import PostgresBackend

        assert isinstance(service.backend(), PostgresBackend)
    assert site.test_cli_runner().invoke(args=["search", "reindex"]).exit_code == 0
    body = site.test_client().get("/api/v1/search?q=perumahan").get_json()
    assert [hit["key"] for hit in body["hits"]] == [str(wanted)] and body["facets"]["region"]
    assert site.test_cli_runner().invoke(args=["search", "verify"]).exit_code == 0
