"""List pages run a bounded number of SQL queries whatever the page size."""

import pytest

from tests.support.statements import statements_of


@pytest.mark.parametrize("url", ["/catalog/", "/catalog/?kind=microdata", "/", "/catalog/calendar?year=2026&month=3"])
def test_public_lists_cost_the_same_queries_for_5_or_60_rows(app, client, items, frozen_now, url):
    for n in range(60):
        items.make(kind=("microdata", "map", "publication", "table")[n % 4], variables=[("r101", "Provinsi")],
                   files={"a.pdf": b"%PDF-1.4"} if n % 3 == 0 else None)
    client.get(url)  # the catalog's snapshot is built once per version (catalog.snapshot), not per request
    app.config["STATDESK_PAGE_SIZE"] = 5
    small = statements_of(app, client, url)
    app.config["STATDESK_PAGE_SIZE"] = 60
    large = statements_of(app, client, url)
    assert large == small
    assert large <= 6


def test_producer_list_costs_the_same_queries_for_5_or_60_rows(app, client, items, users, login, frozen_now):
    login(users.make("supervisor"))
    for _n in range(60):
        items.make(status="draft")
    app.config["STATDESK_PAGE_SIZE"] = 5
    small = statements_of(app, client, "/catalog/manage/")
    app.config["STATDESK_PAGE_SIZE"] = 60
    assert statements_of(app, client, "/catalog/manage/") == small
