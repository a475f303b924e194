"""Index updates never fail silently: a failed write is kept, reported, retried; big imports are batched."""

from __future__ import annotations

import csv
import time

import pytest

from core import sweeps
from core.extensions import db
from search_index import indexing, service
from search_index.backend import SearchRequest
from search_index.query import parse
from tests.catalog.conftest import ItemMaker
from tests.search_index.test_live_updates import found, frozen, site  # noqa: F401 - fixtures

__all__ = ["frozen", "site"]


class Failing:
    """The real backend, made to fail its next ``times`` writes (as a full disk or a lost connection would)."""

    def __init__(self, backend, times: int):
        self.backend, self.times, self.calls = backend, times, 0

    def apply(self, documents, removed):
        self.calls += 1
        if self.times:
            self.times -= 1
            raise OSError("no space left on device")
        self.backend.apply(documents, removed)


def test_a_failed_index_write_is_kept_reported_and_retried(site, users, frozen, monkeypatch):  # noqa: F811
    item_id = ItemMaker(site).make(title="Statistik Irigasi Lombok")
    with site.app_context():
        failing = Failing(service.backend(), times=2)
        indexing.set_indexer(site, failing)
        indexing.mark_changed("catalog", item_id)
        db.session.commit()  # the commit stands; the index write fails after it
        assert [(row["key"], row["attempts"]) for row in indexing.pending()] == [(str(item_id), 1)]
        assert "no space left on device" in indexing.pending()[0]["last_error"]
    assert found(site, "irigasi") == []
    client = site.test_client()
    health = client.get("/healthz/search")
    assert health.status_code == 503 and health.get_json()["pending_updates"] == 1
    checked = site.test_cli_runner().invoke(args=["search", "verify"])
    assert checked.exit_code == 1 and f"update failed 1 time(s), retried by the sweep: catalog {item_id}" \
        in checked.output
    admin = users.make("admin")
    response = client.post("/login", data={"email": admin, "password": users.PASSWORD})
    users.pass_second_step(client, response, admin)
    page = client.get("/admin/search")
    assert page.status_code == 200 and "no space left on device" in page.get_data(as_text=True)
    retry = sweeps.registry(site).get("search_index.retry-updates")
    assert sweeps.run_one(site, retry) == 0  # fails once more: counted, still kept
    with site.app_context():
        assert [row["attempts"] for row in indexing.pending()] == [2]
    assert sweeps.run_one(site, retry) == 1
    assert found(site, "irigasi") == [str(item_id)]
    assert client.get("/healthz/search").status_code == 200
    assert site.test_cli_runner().invoke(args=["search", "verify"]).exit_code == 0


@pytest.mark.manual  # indexing 70,000 documents into PostgreSQL takes minutes even on a quiet machine
@pytest.mark.postgresql_only
def test_a_bulk_import_is_searchable_when_the_command_returns(app_config, backend, tmp_path, frozen):  # noqa: F811
    """More than 70,000 items into the PostgreSQL backend: bounded index batches, the last item found at once."""
    if backend != "postgresql":
        pytest.skip("the PostgreSQL search backend runs on the PostgreSQL pass")
    from app import create_app

    site = create_app(dict(app_config, STATDESK_SEARCH_BACKEND="postgresql"))  # noqa: F811
    count = 70_200
    path = tmp_path / "items.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ref", "kind", "title_id", "title_en", "subject", "region", "year", "unit", "status",
                         "release_at"])
        for n in range(count):
            writer.writerow([f"bulk-{n}", "table", f"Statistik Massal Nomor {n}", f"Bulk Statistics {n}",
                             "SOS.MSK", "5203", 2024, "Direktorat Statistik Kependudukan", "released",
                             "2026-01-01T00:00:00+07:00"])
    started = time.monotonic()
    result = site.test_cli_runner().invoke(args=["catalog", "import", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert f"imported {count} item(s)" in result.output
    elapsed = time.monotonic() - started
    with site.app_context():
        assert indexing.pending_count() == 0
        last = service.backend().search(SearchRequest(query=parse(f"massal {count - 1}")))
        assert [hit.title for hit in last.hits] == [f"Statistik Massal Nomor {count - 1}"]
        assert service.backend().search(SearchRequest(query=parse("massal"), per_page=1)).total == count
    print(f"imported and indexed {count} items in {elapsed:.1f} s")  # noqa: T201 - the figure for the report


def test_one_apply_of_more_pairs_than_a_statement_may_carry_is_batched(search_backend):
    """The failure of the issue: one IN list of 192,728 parameters.  70,000 pairs (140,000 parameters) now go
    in bounded batches, and the documents among them land."""
    from tests.search_index import corpus

    search_backend.apply(corpus.documents()[:3], [])
    gone = [("catalog", f"never-{n}") for n in range(70_000)] + [("catalog", corpus.documents()[0].key)]
    search_backend.apply(corpus.documents()[3:5], gone)
    assert search_backend.keys() == {("catalog", d.key) for d in corpus.documents()[1:5]}


def test_after_commit_updates_reach_the_indexer_in_bounded_batches(app):
    from search_index.documents import SOURCES, DocumentSource, SearchDocument

    shelf = {str(n): SearchDocument("book", str(n), "publication", f"/b/{n}", f"Buku {n}") for n in range(2_500)}
    SOURCES.register(app, "book", DocumentSource("book", lambda keys: [shelf[k] for k in keys if k in shelf],
                                                 lambda: list(shelf)))
    sizes = []

    class Recorder:
        def apply(self, documents, removed):
            sizes.append(len(documents) + len(removed))

    indexing.set_indexer(app, Recorder())
    with app.app_context():
        for key in shelf:
            indexing.mark_changed("book", key)
        db.session.commit()
    assert sum(sizes) == 2_500 and max(sizes) <= indexing.BATCH
